from batches.models import Batch
from tests.conftest import upload
from tests.receipt_images import receipt_png


def test_upload_page_needs_login(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_form_upload_of_many_files_creates_one_batch_and_redirects(logged_in_client, user, transactional_db):
    files = [upload(f"r{n}.png", receipt_png(), "image/png") for n in range(5)]

    response = logged_in_client.post("/", {"files": files})

    batch = Batch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/batches/{batch.id}/"
    assert batch.user == user and batch.source == Batch.Source.WEB
    assert sorted(batch.receipts.values_list("original_filename", flat=True)) == [f"r{n}.png" for n in range(5)]


def test_form_without_files_shows_the_reason(logged_in_client, db):
    response = logged_in_client.post("/", {})

    assert response.status_code == 400
    assert "Choose at least one receipt to upload." in response.content.decode()
    assert Batch.objects.count() == 0


def test_batch_page_shows_progress_and_rows(logged_in_client, transactional_db):
    files = [upload("first.png", receipt_png(), "image/png"), upload("second.png", receipt_png(), "image/png")]
    logged_in_client.post("/", {"files": files})
    batch = Batch.objects.get()

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert "0/2 processed" in page
    assert "first.png" in page and "second.png" in page
    assert 'hx-trigger="every 1s"' in page
