"""Limits that hold whichever way a person or a script comes in: form or API, upload or retry."""

import io
import json as json_module
import threading

import pytest
from django.db import connection
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from batches import services
from batches.models import Batch
from batches.request_limits import RequestSizeLimitMiddleware
from batches.services import create_batch
from receipts.limits import TooManyPending
from receipts.models import Receipt
from tests.conftest import failed_for_a_passing_reason, upload
from tests.receipt_images import receipt_png


def png(name="a.png"):
    return upload(name, receipt_png(), "image/png")


def test_the_form_obeys_the_upload_throttle_the_api_enforces(api_client, logged_in_client, transactional_db, settings):
    settings.RECEIPT_UPLOAD_RATE = "1/hour"
    assert api_client.post("/api/batches", {"files": [png()]}, format="multipart").status_code == 201
    assert api_client.post("/api/batches", {"files": [png()]}, format="multipart").status_code == 429

    response = logged_in_client.post("/", {"files": [png()]})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "You have sent too many requests for now; please try again in" in response.content.decode()
    assert Batch.objects.count() == 1


def test_the_retry_button_obeys_the_retry_throttle(logged_in_client, user, transactional_db, settings):
    settings.RECEIPT_RETRY_RATE = "1/hour"
    batch = create_batch(user, [upload("a.png", b"nope"), upload("b.png", b"nope")])
    first, second = [failed_for_a_passing_reason(r) for r in batch.receipts.order_by("original_filename")]
    url = "/batches/{}/receipts/{}/retry"

    logged_in_client.post(url.format(batch.id, first.id))
    response = logged_in_client.post(url.format(batch.id, second.id), follow=True)

    assert "You have sent too many requests for now" in response.content.decode()
    assert Receipt.objects.get(pk=first.pk).status == Receipt.Status.QUEUED
    assert Receipt.objects.get(pk=second.pk).status == Receipt.Status.FAILED


def test_retries_count_against_the_cap_on_waiting_receipts(api_client, user, transactional_db, settings):
    batch = create_batch(user, [png("good.png"), upload("bad.png", b"nope")])
    bad = failed_for_a_passing_reason(batch.receipts.get(original_filename="bad.png"))
    settings.RECEIPT_MAX_PENDING_PER_USER = 1

    response = api_client.post(f"/api/receipts/{bad.id}/retry")

    assert response.status_code == 429
    assert response.json()["detail"].startswith("You have 1 receipts waiting to be read and the limit is 1")
    assert Receipt.objects.get(pk=bad.pk).status == Receipt.Status.FAILED


def test_two_uploads_at_once_cannot_both_slip_under_the_cap(user, transactional_db, settings, monkeypatch):
    settings.RECEIPT_MAX_PENDING_PER_USER = 2
    inside, go = threading.Event(), threading.Event()
    save_receipt = services.save_receipt

    def slow_save(*args, **kwargs):
        inside.set()  # the first upload has counted and holds its lock until told to go on
        assert go.wait(30)
        return save_receipt(*args, **kwargs)

    monkeypatch.setattr(services, "save_receipt", slow_save)
    results = {}

    def run(key, files):
        try:
            results[key] = create_batch(user, files)
        except TooManyPending as exc:
            results[key] = exc
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first", [png("1.png"), png("2.png")]))
    first.start()
    assert inside.wait(30)
    monkeypatch.setattr(services, "save_receipt", save_receipt)
    second = threading.Thread(target=run, args=("second", [png("3.png")]))
    second.start()
    second.join(1.0)
    assert second.is_alive(), "the second upload counted without waiting for the first"
    go.set()
    first.join(30)
    second.join(30)

    assert isinstance(results["first"], Batch)
    assert isinstance(results["second"], TooManyPending)
    assert Receipt.objects.filter(user=user).count() == 2


def test_refused_files_past_the_quota_keep_their_row_and_reason_not_their_bytes(user, transactional_db, settings):
    settings.RECEIPT_REFUSED_BYTES_PER_USER = 1500
    notes = b"Lunch 12.50\n" * 100  # 1,200 bytes of plain text

    batch = create_batch(user, [upload("a.jpg", notes), upload("b.jpg", notes), png("good.png")])

    kept, dropped = batch.receipts.filter(status=Receipt.Status.FAILED).order_by("original_filename")
    assert kept.file and not dropped.file
    assert dropped.error == "This file is not an image or a PDF (it looks like plain text)."
    assert dropped.size == 1200
    assert dropped.logs.get(event="failed").details["file"] == "not kept"
    assert batch.receipts.get(original_filename="good.png").file


class UnreadableBody(io.BytesIO):
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize("path,json", [("/api/batches", True), ("/", False)])
def test_a_request_over_the_size_limit_is_refused_before_it_is_read(path, json, settings):
    settings.RECEIPT_MAX_REQUEST_BYTES = 10 * 1024 * 1024
    request = RequestFactory().generic(
        "POST", path, content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(30 * 1024 * 1024)
    )
    request.META["wsgi.input"] = UnreadableBody()
    middleware = RequestSizeLimitMiddleware(lambda request: pytest.fail("the view was called"))

    response = middleware(request)

    sentence = "This upload is 30.0 MB; one request may carry at most 10 MB. Send the files in smaller groups."
    assert response.status_code == 413
    if json:
        assert json_module.loads(response.content) == {"detail": sentence, "code": "request_too_large"}
    else:
        assert sentence in response.content.decode()


def test_the_api_answers_an_oversized_request_with_a_json_detail(api_client, transactional_db, settings):
    settings.RECEIPT_MAX_REQUEST_BYTES = 20_000
    response = api_client.post("/api/batches", {"files": [png(f"{n}.png") for n in range(4)]}, format="multipart")

    assert response.status_code == 413
    assert response.json()["detail"].startswith("This upload is 0.0 MB; one request may carry at most")
    assert Batch.objects.count() == 0


def test_too_many_files_get_the_documented_json_detail(api_client, transactional_db, settings):
    settings.RECEIPT_MAX_FILES_PER_BATCH = 3
    files = [upload(f"{n}.png", b"x") for n in range(7)]

    response = api_client.post("/api/batches", {"files": files}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"detail": "A batch can hold at most 3 files; 7 were sent.", "code": "too_many_files"}
    assert Batch.objects.count() == 0


def test_too_many_files_on_the_form_are_refused_in_words(logged_in_client, transactional_db, settings):
    settings.RECEIPT_MAX_FILES_PER_BATCH = 3
    files = [upload(f"{n}.png", b"x") for n in range(7)]

    response = logged_in_client.post("/", {"files": files})

    assert response.status_code == 400
    assert "A batch can hold at most 3 files; 7 were sent." in response.content.decode()


def multipart(*named_files):
    """A multipart body written by hand: test clients refuse to send a file named "..", browsers do not."""
    parts = [
        b'--x\r\nContent-Disposition: form-data; name="files"; filename="' + name.encode() + b'"\r\n'
        b"Content-Type: image/png\r\n\r\n" + data + b"\r\n"
        for name, data in named_files
    ]
    return b"".join(parts) + b"--x--\r\n"


def test_a_thousand_character_name_costs_no_other_file(api_client, transactional_db):
    body = multipart(("r" * 996 + ".png", receipt_png()), ("b.png", receipt_png()))

    response = api_client.generic("POST", "/api/batches", body, content_type="multipart/form-data; boundary=x")

    assert response.status_code == 201
    names = sorted(receipt["original_filename"] for receipt in response.json()["receipts"])
    assert names[0] == "b.png"
    assert len(names[1]) == 255 and names[1].endswith("r.png")
    assert {receipt["status"] for receipt in response.json()["receipts"]} == {"queued"}


@pytest.mark.parametrize("name", ["..", "."])
def test_a_file_named_dots_becomes_an_unnamed_receipt(api_client, transactional_db, name):
    body = multipart((name, receipt_png()), ("b.png", receipt_png()))

    response = api_client.generic("POST", "/api/batches", body, content_type="multipart/form-data; boundary=x")

    assert response.status_code == 201
    assert sorted(r["original_filename"] for r in response.json()["receipts"]) == ["b.png", "unnamed"]


def test_the_form_keeps_a_file_named_dots(logged_in_client, transactional_db):
    body = multipart(("..", receipt_png()), ("b.png", receipt_png()))

    response = logged_in_client.generic("POST", "/", body, content_type="multipart/form-data; boundary=x")

    assert response.status_code == 302
    assert sorted(Receipt.objects.values_list("original_filename", flat=True)) == ["b.png", "unnamed"]


def test_another_users_throttle_is_their_own(other_user, logged_in_client, transactional_db, settings):
    settings.RECEIPT_UPLOAD_RATE = "1/hour"
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other_user).key}")
    assert other.post("/api/batches", {"files": [png()]}, format="multipart").status_code == 201

    response = logged_in_client.post("/", {"files": [png()]})

    assert response.status_code == 302


def test_the_form_lets_uploads_in_while_redis_is_down(logged_in_client, transactional_db, settings):
    dead = "redis://127.0.0.1:1/0"
    settings.RECEIPT_UPLOAD_RATE = "1/hour"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": dead}}
    settings.RQ_QUEUES = {"receipts": {"URL": dead}}

    responses = [logged_in_client.post("/", {"files": [png()]}).status_code for _ in range(2)]

    assert responses == [302, 302]  # the throttle cannot count: it lets the uploads in
    assert set(Receipt.objects.values_list("status", flat=True)) == {"queued"}
