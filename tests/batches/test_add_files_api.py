"""POST /api/batches/<id>/files: the upload page sends a batch one file at a time."""

from django.test import override_settings

from batches.models import Batch
from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


def png(name):
    return upload(name, receipt_png(), "image/png")


def test_adding_a_file_appends_a_queued_receipt(api_client, user, transactional_db):
    import django_rq

    batch = create_batch(user, [png("first.png")])

    response = api_client.post(f"/api/batches/{batch.id}/files", {"files": [png("second.png")]}, format="multipart")

    assert response.status_code == 201
    body = response.json()
    assert [r["original_filename"] for r in body] == ["second.png"]
    assert body[0]["status"] == "queued" and body[0]["batch"] == str(batch.id)
    assert sorted(batch.receipts.values_list("original_filename", flat=True)) == ["first.png", "second.png"]
    assert django_rq.get_queue("receipts").count == 2


def test_an_unreadable_file_becomes_a_failed_receipt(api_client, user, db):
    batch = create_batch(user, [png("first.png")])

    response = api_client.post(f"/api/batches/{batch.id}/files", {"files": [upload("notes.txt", b"hello")]},
                               format="multipart")

    assert response.status_code == 201
    assert response.json()[0]["status"] == "failed"
    assert response.json()[0]["error"] == "This file is not an image or a PDF (it looks like plain text)."


def test_adding_to_a_finished_batch_reopens_it(api_client, user, run_worker):
    batch = create_batch(user, [png("first.png")])
    run_worker()
    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED

    api_client.post(f"/api/batches/{batch.id}/files", {"files": [png("late.png")]}, format="multipart")

    batch.refresh_from_db()
    assert batch.status == Batch.Status.PROCESSING and batch.finished_at is None
    run_worker()
    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED
    assert batch.progress().processed == 2


def test_no_files_is_400(api_client, user, db):
    batch = create_batch(user, [png("first.png")])

    response = api_client.post(f"/api/batches/{batch.id}/files", {}, format="multipart")

    assert response.status_code == 400
    assert response.json()["detail"] == "Choose at least one receipt to upload."


@override_settings(RECEIPT_MAX_FILES_PER_BATCH=2)
def test_a_batch_cannot_grow_past_the_limit(api_client, user, db):
    batch = create_batch(user, [png("1.png"), png("2.png")])

    response = api_client.post(f"/api/batches/{batch.id}/files", {"files": [png("3.png")]}, format="multipart")

    assert response.status_code == 400
    assert response.json()["detail"] == "A batch can hold at most 2 files; it has 2 and 1 more were sent."
    assert Receipt.objects.count() == 2


def test_another_users_batch_is_404(api_client, other_user, db):
    batch = create_batch(other_user, [png("theirs.png")])

    response = api_client.post(f"/api/batches/{batch.id}/files", {"files": [png("mine.png")]}, format="multipart")

    assert response.status_code == 404
    assert batch.receipts.count() == 1


def test_the_session_and_csrf_token_of_the_upload_page_are_enough(user, db):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    page = browser.get("/")
    token = page.cookies["csrftoken"].value
    created = browser.post("/api/batches", {"files": [png("a.png")]}, HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201
    batch_id = created.json()["id"]

    refused = browser.post(f"/api/batches/{batch_id}/files", {"files": [png("b.png")]})
    added = browser.post(f"/api/batches/{batch_id}/files", {"files": [png("b.png")]}, HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert added.status_code == 201
    assert Batch.objects.get(pk=batch_id).source == Batch.Source.WEB
