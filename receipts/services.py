"""Changes a person makes to a receipt: the one path for the receipt page (and any later API)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from receipts.enhance import learn_from_correction
from receipts.models import Receipt
from receipts.previews import forget_previews

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
        # A value a person typed is certain; the page no longer shows the reading's doubt about it.
        current.confidence = {**(current.confidence or {}), **dict.fromkeys(changes, 1.0)}
        current.needs_review = False
        current.save(update_fields=[*changes, "confidence", "needs_review"])
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


def delete_receipts(receipts):
    """Delete receipts with their stored files and previews; their batches go on without them.

    A batch whose last waiting receipt is deleted is closed. Files are removed once the rows are
    gone for good, so a rolled-back delete never loses a file.
    """
    receipts = list(receipts)
    batches = {receipt.batch_id: receipt.batch for receipt in receipts if receipt.batch_id}
    with transaction.atomic():
        Receipt.objects.filter(pk__in=[receipt.pk for receipt in receipts]).delete()
        transaction.on_commit(lambda: remove_files(receipts))
    for batch in batches.values():
        batch.refresh_status()


def remove_files(receipts):
    for receipt in receipts:
        forget_previews(receipt)
        if receipt.file:
            receipt.file.delete(save=False)
