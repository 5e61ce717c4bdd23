"""Another user's batches, receipts and files answer 404: nothing says they exist."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from batches.services import create_batch
from tests.conftest import upload
from tests.receipt_images import receipt_png


@pytest.fixture
def bobs_batch(other_user, transactional_db):
    return create_batch(other_user, [upload("bob.png", receipt_png(), "image/png")])


def test_api_hides_other_users_batches_and_receipts(api_client, bobs_batch):
    receipt = bobs_batch.receipts.get()

    assert api_client.get(f"/api/batches/{bobs_batch.id}").status_code == 404
    assert api_client.get(f"/api/receipts/{receipt.id}").status_code == 404
    assert api_client.post(f"/api/receipts/{receipt.id}/retry").status_code == 404
    listing = api_client.get("/api/batches").json()
    assert listing["count"] == 0 and listing["results"] == []


def test_owner_sees_own_batch_in_the_list(other_user, bobs_batch):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other_user).key}")

    listing = client.get("/api/batches").json()

    assert listing["count"] == 1
    assert listing["results"][0]["id"] == str(bobs_batch.id)


def test_pages_and_files_hide_other_users_receipts(logged_in_client, bobs_batch):
    receipt = bobs_batch.receipts.get()

    assert logged_in_client.get(f"/batches/{bobs_batch.id}/").status_code == 404
    assert logged_in_client.get(f"/batches/{bobs_batch.id}/", HTTP_HX_REQUEST="true").status_code == 404
    assert logged_in_client.get(f"/receipts/{receipt.id}/").status_code == 404
    assert logged_in_client.get(f"/receipts/{receipt.id}/file").status_code == 404


def test_anonymous_api_requests_are_refused(client, bobs_batch):
    assert client.get("/api/batches").status_code in (401, 403)
    assert client.get(f"/api/batches/{bobs_batch.id}").status_code in (401, 403)


def test_owner_gets_the_file_with_safe_headers(other_user, client, bobs_batch):
    client.force_login(other_user)
    receipt = bobs_batch.receipts.get()

    response = client.get(f"/receipts/{receipt.id}/file")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "bob.png" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == receipt.file.open("rb").read()
