"""What the batch page shows for each receipt and, once finished, for the whole batch."""

from decimal import Decimal

from batches.models import Batch
from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import failed_for_a_passing_reason, upload
from tests.receipt_images import receipt_png


def finished_batch(user):
    files = [upload(f"{n}.png", receipt_png(), "image/png") for n in range(3)]
    batch = create_batch(user, [*files, upload("notes.png", b"just notes")])
    totals = {"0.png": ("12.50", "EUR"), "1.png": ("7.50", "EUR"), "2.png": ("3.00", "USD")}
    for name, (total, currency) in totals.items():
        Receipt.objects.filter(batch=batch, original_filename=name).update(
            status=Receipt.Status.COMPLETED, total=Decimal(total), currency=currency, merchant=f"Shop {name}",
            confidence={"merchant": 0.9, "date": 0.8, "total": 0.95},
        )
    batch.refresh_status()
    assert batch.status == Batch.Status.COMPLETED_WITH_ERRORS
    return batch


def test_a_finished_batch_shows_its_totals_by_currency(logged_in_client, user, db):
    batch = finished_batch(user)

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert "4/4 processed" in page and "3 read" in page and "1 failed" in page and "Finished" in page
    assert "20.00 EUR" in page and "3.00 USD" in page


def test_each_row_links_to_its_receipt_with_a_thumbnail_and_confidence(logged_in_client, user, db):
    batch = finished_batch(user)
    receipt = batch.receipts.get(original_filename="0.png")

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert f'href="/receipts/{receipt.id}/"' in page
    assert f'src="/receipts/{receipt.id}/thumbnail"' in page
    assert "Confidence 80%" in page


def test_a_failed_row_shows_its_reason_attempts_and_a_retry_button(logged_in_client, user, db):
    batch = finished_batch(user)
    failed = failed_for_a_passing_reason(batch.receipts.get(original_filename="notes.png"))

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert "This file is not an image or a PDF (it looks like plain text)." in page
    assert "0 attempts" in page
    assert f'hx-post="/batches/{batch.id}/receipts/{failed.id}/retry"' in page
    assert "Retry all failed" in page
