"""Manual retry from the API, the admin and the batch page."""

from batches.models import Batch
from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import failed_for_a_passing_reason, upload
from tests.receipt_images import receipt_png


def failed_batch(user):
    """good.png is read; bad.png is not an image (fails for good); flaky.png failed for a cause
    that is gone, so retrying it can succeed."""
    batch = create_batch(
        user,
        [
            upload("good.png", receipt_png(), "image/png"),
            upload("bad.png", b"nope", "image/png"),
            upload("flaky.png", b"also nope", "image/png"),
        ],
    )
    failed_for_a_passing_reason(batch.receipts.get(original_filename="flaky.png"))
    return batch


def test_api_retry_of_a_failed_receipt_queues_it_again(api_client, user, run_worker):
    batch = failed_batch(user)
    flaky = batch.receipts.get(original_filename="flaky.png")
    run_worker()

    response = api_client.post(f"/api/receipts/{flaky.id}/retry")

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    flaky.refresh_from_db()
    batch.refresh_from_db()
    assert flaky.status == Receipt.Status.QUEUED
    assert batch.status == Batch.Status.PROCESSING
    assert flaky.logs.filter(event="retry_requested", message__contains="alice").exists()
    run_worker()
    flaky.refresh_from_db()
    batch.refresh_from_db()
    assert flaky.status == Receipt.Status.FAILED
    assert flaky.attempts == 1
    assert flaky.error == "This file is not an image or a PDF (it looks like plain text)."
    assert batch.status == Batch.Status.COMPLETED_WITH_ERRORS


def test_api_retry_of_a_receipt_that_is_not_failed_is_409(api_client, user, transactional_db):
    batch = failed_batch(user)
    good = batch.receipts.get(original_filename="good.png")

    response = api_client.post(f"/api/receipts/{good.id}/retry")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only failed receipts can be retried; this one is queued.", "code": "not_failed",
    }
    good.refresh_from_db()
    assert good.status == Receipt.Status.QUEUED


def test_api_retry_of_a_receipt_that_failed_for_good_is_409_with_its_code(api_client, user, db):
    bad = failed_batch(user).receipts.get(original_filename="bad.png")

    response = api_client.post(f"/api/receipts/{bad.id}/retry")

    assert response.status_code == 409
    assert response.json()["code"] == "unreadable"
    bad.refresh_from_db()
    assert bad.status == Receipt.Status.FAILED
    assert not bad.logs.filter(event="retry_requested").exists()


def test_admin_retry_action_retries_only_what_can_succeed_and_says_why(client, staff_user, user, run_worker):
    batch = failed_batch(user)
    run_worker()
    client.force_login(staff_user)
    ids = [str(pk) for pk in batch.receipts.values_list("id", flat=True)]

    response = client.post(
        "/admin/receipts/receipt/",
        {"action": "retry_selected", "_selected_action": ids},
        follow=True,
    )

    assert (
        "Retried 1 failed receipt. 1 failed for good and was left failed (bad.png): retrying cannot help a "
        "file that is not a receipt image or is too large. 1 not failed, left as it was."
    ) in response.content.decode()
    statuses = dict(batch.receipts.values_list("original_filename", "status"))
    assert statuses == {"good.png": "completed", "bad.png": "failed", "flaky.png": "queued"}
    flaky = batch.receipts.get(original_filename="flaky.png")
    assert flaky.logs.filter(event="retry_requested", message__contains="admin").exists()


def test_admin_retry_from_the_failed_filter_counts_what_it_retried(client, staff_user, user, db):
    batch = failed_batch(user)
    failed_for_a_passing_reason(batch.receipts.get(original_filename="bad.png"))
    client.force_login(staff_user)
    ids = [str(pk) for pk in batch.receipts.filter(status="failed").values_list("id", flat=True)]

    response = client.post(
        "/admin/receipts/receipt/?status__exact=failed",
        {"action": "retry_selected", "_selected_action": ids},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == ["Retried 2 failed receipts."]


def test_batch_page_retry_all_failed_retries_what_can_succeed(logged_in_client, user, run_worker):
    batch = failed_batch(user)
    run_worker()

    response = logged_in_client.post(f"/batches/{batch.id}/retry-failed", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "2/3 processed</strong> · <span class=\"count-part\">1 read</span>" in response.content.decode()
    assert batch.receipts.get(original_filename="flaky.png").status == Receipt.Status.QUEUED
    assert batch.receipts.get(original_filename="bad.png").status == Receipt.Status.FAILED


def test_batch_page_offers_retry_only_where_it_can_help(logged_in_client, user, db):
    batch = failed_batch(user)
    bad = batch.receipts.get(original_filename="bad.png")
    flaky = batch.receipts.get(original_filename="flaky.png")

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert f"/receipts/{flaky.id}/retry" in page
    assert f"/receipts/{bad.id}/retry" not in page
    assert "Retrying cannot help; upload another file." in page
    assert "Retry the 1 that may succeed" in page


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
