"""Manual retry from the API, the admin and the batch page."""

from batches.models import Batch
from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


def failed_batch(user):
    return create_batch(user, [upload("good.png", receipt_png(), "image/png"), upload("bad.png", b"nope", "image/png")])


def test_api_retry_of_a_failed_receipt_queues_it_again(api_client, user, run_worker):
    batch = failed_batch(user)
    bad = batch.receipts.get(original_filename="bad.png")
    run_worker()

    response = api_client.post(f"/api/receipts/{bad.id}/retry")

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    bad.refresh_from_db()
    batch.refresh_from_db()
    assert bad.status == Receipt.Status.QUEUED
    assert batch.status == Batch.Status.PROCESSING
    assert bad.logs.filter(event="retry_requested", message__contains="alice").exists()
    run_worker()
    bad.refresh_from_db()
    batch.refresh_from_db()
    assert bad.status == Receipt.Status.FAILED
    assert bad.attempts == 1
    assert bad.error == "This file is not an image or a PDF (it looks like plain text)."
    assert batch.status == Batch.Status.COMPLETED_WITH_ERRORS


def test_api_retry_of_a_receipt_that_is_not_failed_is_409(api_client, user, transactional_db):
    batch = failed_batch(user)
    good = batch.receipts.get(original_filename="good.png")

    response = api_client.post(f"/api/receipts/{good.id}/retry")

    assert response.status_code == 409
    assert response.json()["detail"] == "Only failed receipts can be retried; this one is queued."
    good.refresh_from_db()
    assert good.status == Receipt.Status.QUEUED


def test_admin_retry_action_touches_only_failed_receipts(client, staff_user, user, run_worker):
    batch = failed_batch(user)
    run_worker()
    client.force_login(staff_user)
    ids = [str(pk) for pk in batch.receipts.values_list("id", flat=True)]

    response = client.post(
        "/admin/receipts/receipt/",
        {"action": "retry_selected", "_selected_action": ids},
        follow=True,
    )

    assert "Retried 1 failed receipt. 1 not failed, left as they were." in response.content.decode()
    statuses = dict(batch.receipts.values_list("original_filename", "status"))
    assert statuses == {"good.png": "completed", "bad.png": "queued"}
    bad = batch.receipts.get(original_filename="bad.png")
    assert bad.logs.filter(event="retry_requested", message__contains="admin").exists()
    run_worker()
    bad.refresh_from_db()
    assert bad.status == Receipt.Status.FAILED


def test_batch_page_retry_all_failed(logged_in_client, user, run_worker):
    batch = failed_batch(user)
    run_worker()

    response = logged_in_client.post(f"/batches/{batch.id}/retry-failed", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "1/2 processed" in response.content.decode()
    assert batch.receipts.get(original_filename="bad.png").status == Receipt.Status.QUEUED


def test_retry_after_a_limit_was_raised_reads_the_file(api_client, user, run_worker, settings):
    settings.RECEIPT_MAX_PIXELS = 1000
    batch = create_batch(user, [upload("big.png", receipt_png(total="42.10"), "image/png")])
    receipt = batch.receipts.get()
    assert receipt.status == Receipt.Status.FAILED and receipt.content_type == ""
    settings.RECEIPT_MAX_PIXELS = 60_000_000

    assert api_client.post(f"/api/receipts/{receipt.id}/retry").status_code == 202
    run_worker()

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.COMPLETED
    assert receipt.content_type == "image/png"
    assert str(receipt.total) == "42.10"
