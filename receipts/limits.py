"""The per-user cap on receipts waiting to be read, applied to uploads and retries alike."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from receipts.models import Receipt


class TooManyPending(ValidationError):
    """The user already has as many receipts waiting as one account may have."""


def reserve_pending(user_id, adding):
    """Check `adding` more receipts fit under the user's cap; call inside the transaction that adds them.

    The user's row is locked until that transaction ends, so two uploads (or an upload and a
    retry) of one user are counted one after the other and cannot both slip under the cap.
    """
    get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk").get()
    limit = settings.RECEIPT_MAX_PENDING_PER_USER
    pending = Receipt.objects.filter(user_id=user_id, status__in=Receipt.PENDING_STATUSES).count()
    if pending + adding > limit:
        raise TooManyPending(
            f"You have {pending} receipts waiting to be read and the limit is {limit}; "
            "please send these once some have finished.",
            code="too_many_pending",
        )
