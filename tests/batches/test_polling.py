"""Waiting without waste: a poll that finds nothing changed costs one small query and no body,
on the API (ETag and 304) and on the batch page (htmx gets 204 and leaves the page alone)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png

HTMX = {"HTTP_HX_REQUEST": "true"}


def two_receipt_batch(user):
    return create_batch(user, [upload(name, receipt_png(), "image/png") for name in ("a.png", "b.png")])


def test_the_batch_detail_answers_304_while_nothing_changed(api_client, user, db):
    batch = two_receipt_batch(user)
    first = api_client.get(f"/api/batches/{batch.id}")
    etag = first["ETag"]

    unchanged = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    assert first.status_code == 200 and etag.startswith('"')
    assert unchanged.status_code == 304
    assert unchanged.content == b""


def test_the_etag_changes_when_a_receipt_moves(api_client, user, db):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]
    receipt = batch.receipts.first()
    receipt.claim_for_processing()

    changed = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert {r["status"] for r in changed.json()["receipts"]} == {"processing", "queued"}


def test_a_304_is_worked_out_with_two_small_queries(api_client, user, db):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]

    with CaptureQueriesContext(connection) as queries:
        api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    app_queries = [q["sql"] for q in queries if "authtoken" not in q["sql"] and "auth_user" not in q["sql"]]
    assert len(app_queries) == 2


def test_the_pages_poll_gets_204_while_nothing_changed(logged_in_client, user, db):
    batch = two_receipt_batch(user)
    first = logged_in_client.get(f"/batches/{batch.id}/", **HTMX)
    tag = batch.change_tag()

    unchanged = logged_in_client.get(f"/batches/{batch.id}/", {"since": tag}, **HTMX)

    assert f'?since={tag}"' in first.content.decode()
    assert unchanged.status_code == 204
    assert unchanged.content == b""


def test_the_pages_poll_gets_the_rows_once_something_changed(logged_in_client, user, db):
    batch = two_receipt_batch(user)
    tag = batch.change_tag()
    Receipt.objects.filter(batch=batch, original_filename="a.png").first().claim_for_processing()

    changed = logged_in_client.get(f"/batches/{batch.id}/", {"since": tag}, **HTMX)

    assert changed.status_code == 200
    assert "0/2 processed" in changed.content.decode()
    assert '<span class="badge processing">Processing</span>' in changed.content.decode()


def test_a_finished_batch_still_stops_the_polling_with_286(logged_in_client, user, db):
    batch = create_batch(user, [upload("notes.png", b"just notes")])
    tag = batch.change_tag()

    response = logged_in_client.get(f"/batches/{batch.id}/", {"since": tag}, **HTMX)

    assert response.status_code == 286
    assert "hx-trigger" not in response.content.decode()
