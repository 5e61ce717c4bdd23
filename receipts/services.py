"""Changes a person makes to a receipt: the one path for the receipt page (and any later API)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from receipts.enhance import learn_from_correction
from receipts.models import Receipt

CORRECTABLE_FIELDS = ["merchant", "date", "total", "subtotal", "tax", "currency", "category"]


def correct_receipt(receipt, user, data):
    """Save a person's corrections, log who changed what, and remember the merchant for next time.

    `data` holds cleaned values for some of CORRECTABLE_FIELDS. Returns {field: (old, new)} for
    what changed (empty when nothing did). A receipt still being read cannot be corrected, since
    the worker would overwrite the correction.
    """
    with transaction.atomic():
        current = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if current.is_pending:
            raise ValidationError("This receipt is still being read; correct it once it is done.", code="pending")
        changes = {
            name: (getattr(current, name), data[name])
            for name in CORRECTABLE_FIELDS
            if name in data and data[name] != getattr(current, name)
        }
        if not changes:
            return {}
        raw_merchant = merchant_as_read(current)
        for name, (_old, new) in changes.items():
            setattr(current, name, new)
        current.needs_review = False
        current.save(update_fields=[*changes, "needs_review"])
        who = user.get_username()
        described = "; ".join(f"{name} {show(old)} → {show(new)}" for name, (old, new) in changes.items())
        current.log(
            "corrected",
            f"Corrected by {who}: {described}.",
            corrected_by=who,
            changes={name: [plain(old), plain(new)] for name, (old, new) in changes.items()},
        )
    if "merchant" in changes or "category" in changes:
        learn_from_correction(user.pk, raw_merchant, current.merchant, current.category)
    receipt.refresh_from_db()
    return changes


def merchant_as_read(receipt):
    """The merchant name as the pipeline read it, before anyone corrected it."""
    first = (
        receipt.logs.filter(event="corrected", details__changes__has_key="merchant")
        .order_by("created_at", "id")
        .first()
    )
    return first.details["changes"]["merchant"][0] if first else receipt.merchant


def plain(value):
    return None if value is None else str(value)


def show(value):
    return "(empty)" if value in (None, "") else str(value)
