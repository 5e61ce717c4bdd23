"""Fill the enhancement cache from completed receipts, so common merchants are answered from Redis."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from receipts.enhance import get_enhancer, prewarm
from receipts.models import Receipt
from receipts.reading.fields import Fields


def fields_from_receipt(receipt):
    """The extracted fields a completed receipt was enhanced from."""
    return Fields(
        merchant=receipt.merchant_raw or receipt.merchant,
        date=receipt.date,
        total=receipt.total,
        line_items=list(receipt.line_items or []),
    )


class Command(BaseCommand):
    help = (
        "Work out the enhancement (canonical merchant, category) of completed receipts and store it "
        "in the cache, so later receipts with the same merchant and text are cache hits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this user's receipts (username).")
        parser.add_argument("--limit", type=int, help="Only the most recent N receipts.")

    def handle(self, *args, user=None, limit=None, **options):
        enhancer = get_enhancer()
        receipts = (
            Receipt.objects.filter(status=Receipt.Status.COMPLETED, duplicate_of=None)
            .only("user_id", "merchant", "merchant_raw", "date", "total", "line_items", "ocr_text")
            .order_by("-finished_at")
        )
        if user:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"There is no user named {user!r}.")
            receipts = receipts.filter(user=owner)
        if limit:
            receipts = receipts[:limit]
        seen = written = 0
        for receipt in receipts.iterator(chunk_size=500):
            seen += 1
            written += prewarm(
                fields_from_receipt(receipt), user_id=receipt.user_id, ocr_text=receipt.ocr_text, enhancer=enhancer
            )
        self.stdout.write(
            f"Wrote {written} enhancement cache entries ({enhancer.cache_name}) from {seen} completed receipts."
        )
