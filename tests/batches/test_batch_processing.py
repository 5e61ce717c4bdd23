"""Whole batches through real RQ workers, real Tesseract and the real database."""

from decimal import Decimal

from batches.models import Batch
from batches.services import create_batch
from receipts.models import ProcessingLog, Receipt
from tests.conftest import MERCHANTS, upload


def test_ten_receipts_complete_with_their_totals(user, receipt_files, run_worker):
    batch = create_batch(user, receipt_files(10))

    run_worker()

    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED
    assert batch.finished_at is not None
    progress = batch.progress()
    assert (progress.total, progress.completed, progress.failed) == (10, 10, 0)
    receipts = {r.original_filename: r for r in batch.receipts.all()}
    for n in range(10):
        receipt = receipts[f"receipt-{n}.png"]
        assert receipt.status == Receipt.Status.COMPLETED
        assert receipt.total == Decimal(f"{10 + n}.{n}5")
        assert receipt.merchant_raw == MERCHANTS[n]
        assert receipt.merchant == MERCHANTS[n].title()
        assert receipt.date.isoformat() == "2024-03-12"
        assert receipt.attempts == 1


def test_unreadable_file_fails_alone(user, receipt_files, run_worker):
    files = receipt_files(9) + [upload("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg")]
    batch = create_batch(user, files)

    run_worker()

    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED_WITH_ERRORS
    progress = batch.progress()
    assert (progress.total, progress.completed, progress.failed) == (10, 9, 1)
    broken = batch.receipts.get(original_filename="broken.jpg")
    assert broken.status == Receipt.Status.FAILED
    assert broken.error == "This image is damaged or incomplete and cannot be read."


def test_every_step_is_logged(user, receipt_files, run_worker):
    batch = create_batch(user, receipt_files(1))

    run_worker()

    receipt = batch.receipts.get()
    events = list(ProcessingLog.objects.filter(receipt=receipt).values_list("event", flat=True))
    assert events[0] == "uploaded"
    assert "claimed" in events and "ocr" in events and "extract" in events
    assert events[-1] == "completed"


def test_duplicate_delivery_processes_the_receipt_once(user, receipt_files, run_worker):
    from receipts.jobs import enqueue_receipts

    batch = create_batch(user, receipt_files(1))
    receipt = batch.receipts.get()
    enqueue_receipts([receipt])  # a second job for the same receipt

    run_worker()

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.COMPLETED
    assert receipt.attempts == 1
    assert receipt.logs.filter(event="completed").count() == 1
