"""Per-user throttles whose rates come from settings, for the API and the pages alike; they fail open.

A throttle counts in the cache (Redis). When Redis is down an upload must still be accepted
(the database keeps it and the sweep enqueues it later), so a cache error lets the request in:
what still bounds a user then is RECEIPT_MAX_PENDING_PER_USER, which the database enforces.
"""

import logging
import math

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


def page_throttle_wait(request, throttle_class):
    """Seconds a page's user must wait under the API's throttle for the same action, or None to go on.

    The upload form and the retry buttons count in the same buckets as the API, so switching from
    one to the other does not walk around a limit.
    """
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def throttled_sentence(wait):
    return f"You have sent too many requests for now; please try again in {wait} seconds."
