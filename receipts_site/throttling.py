"""Per-user API throttles whose rates come from settings, and that fail open without Redis.

A throttle counts in the cache (Redis). When Redis is down an upload must still be accepted
(the database keeps it and the sweep enqueues it later), so a cache error lets the request in.
"""

import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import UserRateThrottle

from receipts_site import metrics

logger = logging.getLogger(__name__)


class SettingsRateThrottle(UserRateThrottle):
    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
        except RedisError as exc:
            logger.warning("Throttle skipped, the cache is not answering: %s", exc)
            return True
        if not allowed:
            metrics.record_throttled(self.scope)
        return allowed


class UploadRateThrottle(SettingsRateThrottle):
    scope = "uploads"
    rate_setting = "RECEIPT_UPLOAD_RATE"


class RetryRateThrottle(SettingsRateThrottle):
    scope = "retries"
    rate_setting = "RECEIPT_RETRY_RATE"


class FileUploadRateThrottle(SettingsRateThrottle):
    """Files added one at a time to an open batch (the upload page sends them so)."""

    scope = "batch_files"
    rate_setting = "RECEIPT_FILE_UPLOAD_RATE"
