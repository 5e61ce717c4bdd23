"""Who may upload a batch of many files: the gradual rollout behind the waffle flag "batch_upload".

Staff and the power users group are always in. Otherwise the flag decides as waffle does
(everyone on or off, listed users and groups), and its percentage picks users by a hash of
the flag name and the user's id: the same user is always on the same side, in the browser and
through the API alike (waffle's own percentage keeps the choice in a cookie, which API clients
do not send), and raising the percentage only ever adds users.
"""

import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from redis.exceptions import RedisError
from waffle import get_waffle_flag_model
from waffle.models import AbstractBaseFlag

logger = logging.getLogger(__name__)

BATCH_UPLOAD_FLAG = "batch_upload"
# waffle's percent field stops at 99.9; at the top it means everyone.
EVERYONE_PERCENT = Decimal("99.9")
FEATURE_NAME = "Batch upload"


class BatchUploadNotEnabled(ValidationError):
    """A user outside the rollout sent several files at once."""


def user_bucket(flag_name, user_id):
    """A number from 0 to 99.9 fixed for this user and flag; users below the percentage are in."""
    digest = hashlib.sha256(f"{flag_name}:{user_id}".encode()).hexdigest()
    return Decimal(int(digest[:8], 16) % 1000) / 10


def batch_upload_enabled(user):
    """True when this user may send many files in one batch (read from the cached flag)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.groups.filter(name=settings.BATCH_UPLOAD_GROUP).exists():
        return True
    try:
        flag = get_waffle_flag_model().get(BATCH_UPLOAD_FLAG)
        if not flag.pk:
            return bool(settings.WAFFLE_FLAG_DEFAULT)
        decided = flag.is_active_for_user(user)
    except RedisError as exc:
        # waffle reads flags through the cache; the database holds the truth, so ask it.
        logger.warning("Rollout flag read from the database, the cache is not answering: %s", exc)
        flag = get_waffle_flag_model().objects.filter(name=BATCH_UPLOAD_FLAG).first()
        if flag is None:
            return bool(settings.WAFFLE_FLAG_DEFAULT)
        decided = decision_from_database(flag, user)
    if decided is not None:
        return decided
    percent = Decimal(flag.percent or 0)
    return percent >= EVERYONE_PERCENT or user_bucket(BATCH_UPLOAD_FLAG, user.pk) < percent


def decision_from_database(flag, user):
    """What waffle's is_active_for_user decides, read without the cache: None when undecided.

    waffle's base class decides everyone, authenticated, staff and superusers from the row
    itself; only its listed users and groups go through the cache, so those are asked here.
    """
    decided = AbstractBaseFlag.is_active_for_user(flag, user)
    if decided is not None:
        return decided
    if flag.users.filter(pk=user.pk).exists() or flag.groups.filter(user=user).exists():
        return True
    return None


def check_batch_upload(user, count):
    """Refuse a batch of `count` files to a user outside the rollout; one file is always fine."""
    if count > 1 and not batch_upload_enabled(user):
        raise BatchUploadNotEnabled(
            f"{FEATURE_NAME} (several receipts at once) is not available on your account yet; "
            "send one receipt at a time.",
            code="batch_upload_not_enabled",
        )
