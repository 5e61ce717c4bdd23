"""Uploads a script can send again safely: Idempotency-Key, its own reference, and deleting."""

import os

from batches.models import Batch
from receipts.models import Receipt
from receipts_site.idempotency.models import IdempotencyKey
from tests.conftest import upload
from tests.receipt_images import receipt_png

LUNCH = receipt_png(total="12.30")


def post_batch(client, key=None, reference=None, data=LUNCH):
    body = {"files": [upload("lunch.png", data, "image/png")]}
    if reference:
        body["client_reference"] = reference
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/batches", body, format="multipart", **headers)


def test_the_same_key_replays_the_first_answer_and_makes_one_batch(api_client, user, db):
    first = post_batch(api_client, key="upload-7")
    again = post_batch(api_client, key="upload-7")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Batch.objects.filter(user=user).count() == 1


def test_the_same_key_with_other_files_is_refused(api_client, user, db):
    post_batch(api_client, key="upload-8")

    response = post_batch(api_client, key="upload-8", data=receipt_png(total="99.00"))

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Batch.objects.filter(user=user).count() == 1


def test_without_a_key_each_post_makes_a_batch(api_client, user, db):
    post_batch(api_client)
    post_batch(api_client)

    assert Batch.objects.filter(user=user).count() == 2


def test_keys_belong_to_their_user(api_client, other_user, db):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    post_batch(api_client, key="shared")
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other_user).key}")

    assert post_batch(other, key="shared").status_code == 201
    assert Batch.objects.count() == 2


def test_a_key_older_than_a_day_is_forgotten(api_client, user, db):
    from datetime import timedelta

    from django.utils import timezone

    post_batch(api_client, key="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert "Idempotent-Replayed" not in post_batch(api_client, key="old")
    assert Batch.objects.filter(user=user).count() == 2


def test_a_retry_request_with_a_key_is_answered_once(api_client, user, run_worker, settings):
    settings.RECEIPT_MAX_PIXELS = 1000
    receipt = post_batch(api_client).json()["receipts"][0]
    settings.RECEIPT_MAX_PIXELS = 60_000_000

    first = api_client.post(f"/api/receipts/{receipt['id']}/retry", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api_client.post(f"/api/receipts/{receipt['id']}/retry", HTTP_IDEMPOTENCY_KEY="retry-1")

    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert Receipt.objects.get(pk=receipt["id"]).logs.filter(event="retry_requested").count() == 1


def test_a_client_reference_is_unique_per_user_and_filters_the_list(api_client, user, db):
    created = post_batch(api_client, reference="expenses-2024-03")

    taken = post_batch(api_client, reference="expenses-2024-03")
    listed = api_client.get("/api/batches", {"client_reference": "expenses-2024-03"}).json()

    assert created.json()["client_reference"] == "expenses-2024-03"
    assert taken.status_code == 409
    assert taken.json()["code"] == "client_reference_taken"
    assert taken["Location"] == created["Location"]
    assert [batch["id"] for batch in listed["results"]] == [created.json()["id"]]
    assert Batch.objects.filter(user=user).count() == 1


def test_deleting_a_batch_removes_its_receipts_and_files(api_client, user, transactional_db):
    batch = post_batch(api_client).json()
    receipt = Receipt.objects.get(pk=batch["receipts"][0]["id"])
    path = receipt.file.path
    assert os.path.exists(path)

    response = api_client.delete(f"/api/batches/{batch['id']}")

    assert response.status_code == 204
    assert not Batch.objects.filter(pk=batch["id"]).exists()
    assert not Receipt.objects.filter(pk=receipt.pk).exists()
    assert not os.path.exists(path)
    assert api_client.get(f"/api/batches/{batch['id']}").status_code == 404


def test_deleting_a_receipt_removes_its_file_and_keeps_the_batch(api_client, user, transactional_db):
    batch = api_client.post(
        "/api/batches",
        {"files": [upload("a.png", LUNCH, "image/png"), upload("b.png", b"notes")]},
        format="multipart",
    ).json()
    first = Receipt.objects.get(pk=batch["receipts"][0]["id"])
    path = first.file.path

    response = api_client.delete(f"/api/receipts/{first.id}")

    assert response.status_code == 204
    assert not os.path.exists(path)
    remaining = api_client.get(f"/api/batches/{batch['id']}").json()
    assert [r["original_filename"] for r in remaining["receipts"]] == ["b.png"]
    assert remaining["total"] == 1


def test_another_users_batch_cannot_be_deleted(api_client, other_user, db):
    from batches.services import create_batch

    batch = create_batch(other_user, [upload("a.png", LUNCH, "image/png")])

    assert api_client.delete(f"/api/batches/{batch.id}").status_code == 404
    assert Batch.objects.filter(pk=batch.pk).exists()
