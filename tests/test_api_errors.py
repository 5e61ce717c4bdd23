"""Errors a script can act on: 401 with WWW-Authenticate, JSON everywhere under /api/, and a
stable `code` beside every `detail`."""

import pytest
from rest_framework.test import APIClient

from batches.services import create_batch
from tests.conftest import upload
from tests.receipt_images import receipt_png


def test_no_token_is_401_with_www_authenticate(db):
    response = APIClient().get("/api/batches")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": "Authentication credentials were not provided.", "code": "not_authenticated",
    }


def test_a_wrong_token_is_401_with_its_code(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get("/api/batches")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(
    "path",
    [
        "/api/batches/not-a-uuid",
        "/api/batches/0C5D3A2E-3B7F-4C7B-9F7E-2B1B4D7F5A10",
        "/api/batches/",
        "/api/receipts/123/retry",
        "/api/nothing-here",
    ],
)
def test_paths_no_view_matches_answer_json_404(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Nothing is here: check the address and the id.", "code": "not_found"}


def test_another_users_batch_is_a_json_404_with_a_code(api_client, other_user, db):
    batch = create_batch(other_user, [upload("a.png", receipt_png(), "image/png")])

    response = api_client.get(f"/api/batches/{batch.id}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_more_files_than_django_reads_is_a_json_400(api_client, settings, db):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [upload(f"{n}.png", b"x", "image/png") for n in range(4)]

    response = api_client.post("/api/batches", {"files": files}, format="multipart")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_many_files"


def test_an_upload_without_files_says_why_with_a_code(api_client, db):
    response = api_client.post("/api/batches", {}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"detail": "Choose at least one receipt to upload.", "code": "no_files"}


def test_json_instead_of_multipart_is_415_with_a_code(api_client, db):
    response = api_client.post("/api/batches", {"files": []}, format="json")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_failed_receipt_carries_its_error_code_and_whether_retrying_can_help(api_client, user, db):
    batch = create_batch(user, [upload("notes.png", b"just notes"), upload("a.png", receipt_png(), "image/png")])
    notes = batch.receipts.get(original_filename="notes.png")

    receipts = {r["original_filename"]: r for r in api_client.get(f"/api/batches/{batch.id}").json()["receipts"]}

    assert receipts["notes.png"]["error_code"] == "unreadable"
    assert receipts["notes.png"]["retryable"] is False
    assert receipts["a.png"]["error_code"] is None and receipts["a.png"]["retryable"] is False
    retry = api_client.post(f"/api/receipts/{notes.id}/retry")
    assert retry.status_code == 409
    assert retry.json() == {
        "detail": "This file is not an image or a PDF (it looks like plain text). Retrying cannot help: the "
        "same file would fail the same way. Upload a different file.",
        "code": "unreadable",
    }
