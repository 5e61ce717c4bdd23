"""The same file uploaded again by the same user reuses the first result, without OCR."""

from django.utils import timezone

from batches.models import Batch
from batches.services import create_batch
from receipts.models import Receipt
from receipts.pipeline import process
from tests.conftest import upload
from tests.receipt_images import receipt_png


def upload_once(user, data, name):
    return create_batch(user, [upload(name, data, "image/png")]).receipts.get()


def test_the_same_bytes_uploaded_again_reuse_the_result_without_ocr(user, run_worker):
    data = receipt_png(merchant="WAL-MART #1234", total="23.45")
    first = upload_once(user, data, "first.png")
    run_worker()
    second = upload_once(user, data, "again.png")
    run_worker()

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == Receipt.Status.COMPLETED
    assert second.duplicate_of == first
    assert (second.merchant, second.category, second.total) == (first.merchant, first.category, first.total)
    assert (second.merchant, second.category, str(second.total)) == ("Walmart", "groceries", "23.45")
    events = list(second.logs.values_list("event", flat=True))
    assert "duplicate" in events and "ocr" not in events and "read_file" not in events
    assert second.batch.status == Batch.Status.COMPLETED


def test_another_users_identical_file_is_read_again(user, other_user, run_worker):
    data = receipt_png(merchant="WAL-MART #1234", total="23.45")
    upload_once(user, data, "alice.png")
    run_worker()
    theirs = upload_once(other_user, data, "bob.png")
    run_worker()

    theirs.refresh_from_db()
    assert theirs.status == Receipt.Status.COMPLETED
    assert theirs.duplicate_of is None
    assert set(theirs.logs.values_list("event", flat=True)) >= {"ocr", "enhance"}
    assert not theirs.logs.filter(event="duplicate").exists()


def test_the_api_shows_which_receipt_a_duplicate_repeats(api_client, user, db):
    data = receipt_png(merchant="CORNER GROCERY")
    original = upload_once(user, data, "first.png")
    Receipt.objects.filter(pk=original.pk).update(
        status=Receipt.Status.COMPLETED, finished_at=timezone.now(), merchant="Corner Grocery", category="groceries"
    )
    again = upload_once(user, data, "again.png")

    process(again.id)

    body = api_client.get(f"/api/receipts/{again.id}").json()
    assert (body["status"], body["duplicate_of"]) == ("completed", str(original.id))
    assert (body["merchant"], body["category"]) == ("Corner Grocery", "groceries")
