from django.test import override_settings

from batches.models import Batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_jpeg, receipt_png


def test_upload_returns_the_batch_with_its_receipts(api_client, user, transactional_db):
    files = [upload("a.png", receipt_png(), "image/png"), upload("b.jpg", receipt_jpeg(), "image/jpeg")]

    response = api_client.post("/api/batches", {"files": files}, format="multipart")

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "status", "total", "processed", "completed", "failed", "created_at",
                         "finished_at", "receipts"}
    assert body["status"] == "processing"
    assert (body["total"], body["processed"], body["completed"], body["failed"]) == (2, 0, 0, 0)
    assert [r["original_filename"] for r in body["receipts"]] == ["a.png", "b.jpg"]
    assert {r["status"] for r in body["receipts"]} == {"queued"}
    assert response["Location"] == f"/api/batches/{body['id']}"
    batch = Batch.objects.get(pk=body["id"])
    assert batch.user == user and batch.source == Batch.Source.API
    types = sorted(batch.receipts.values_list("content_type", flat=True))
    assert types == ["image/jpeg", "image/png"]


def test_upload_enqueues_one_job_per_receipt(api_client, transactional_db):
    import django_rq

    files = [upload(f"{n}.png", receipt_png(), "image/png") for n in range(3)]
    api_client.post("/api/batches", {"files": files}, format="multipart")

    queue = django_rq.get_queue("receipts")
    assert queue.count == 3
    job_ids = set(Receipt.objects.values_list("job_id", flat=True))
    assert set(queue.job_ids) == job_ids


def test_upload_without_files_is_a_clear_400(api_client, db):
    response = api_client.post("/api/batches", {}, format="multipart")

    assert response.status_code == 400
    assert response.json()["detail"] == "Choose at least one receipt to upload."
    assert Batch.objects.count() == 0


@override_settings(RECEIPT_MAX_FILES_PER_BATCH=3)
def test_upload_of_too_many_files_is_refused_whole(api_client, db):
    files = [upload(f"{n}.png", receipt_png(), "image/png") for n in range(4)]

    response = api_client.post("/api/batches", {"files": files}, format="multipart")

    assert response.status_code == 400
    assert response.json()["detail"] == "A batch can hold at most 3 files; 4 were sent."
    assert Batch.objects.count() == 0 and Receipt.objects.count() == 0


def test_unreadable_file_becomes_a_failed_receipt_with_its_reason(api_client, transactional_db):
    files = [upload("good.png", receipt_png(), "image/png"), upload("notes.jpg", b"just some text\n", "image/jpeg")]

    response = api_client.post("/api/batches", {"files": files}, format="multipart")

    assert response.status_code == 201
    receipts = {r["original_filename"]: r for r in response.json()["receipts"]}
    assert receipts["good.png"]["status"] == "queued"
    assert receipts["notes.jpg"]["status"] == "failed"
    assert receipts["notes.jpg"]["error"] == "This file is not an image or a PDF (it looks like plain text)."
    assert response.json()["failed"] == 1


def test_anonymous_upload_is_refused(client, db):
    response = client.post("/api/batches", {"files": [upload("a.png", receipt_png(), "image/png")]})

    assert response.status_code in (401, 403)
    assert Batch.objects.count() == 0
