"""Waiting without waste: a poll that finds nothing changed costs no query and no body, on the
API (ETag and 304) and on the batch page (htmx gets 204 and leaves the page alone), and a poll
after any change gets the change (batches/polls.py)."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from batches import polls
from batches.services import create_batch, delete_batch
from receipts.models import Receipt
from tests.conftest import empty_redis_database, upload
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


def test_an_unchanged_api_poll_is_answered_without_the_database(api_client, user, db):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]

    with CaptureQueriesContext(connection) as queries:
        unchanged = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert unchanged["ETag"] == etag
    assert unchanged["Cache-Control"] == "private, no-cache"
    assert len(queries) == 0


def test_without_a_memo_a_304_is_worked_out_with_two_small_queries(api_client, user, db):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]
    empty_redis_database()  # Redis lost its data: the view works the answer out again

    with CaptureQueriesContext(connection) as queries:
        unchanged = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    app_queries = [q["sql"] for q in queries if "authtoken" not in q["sql"] and "auth_user" not in q["sql"]]
    assert unchanged.status_code == 304
    assert len(app_queries) == 2


def test_another_users_token_with_the_owners_etag_gets_a_404(api_client, user, other_user, db):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other_user).key}")

    answer = stranger.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    assert answer.status_code == 404


def test_a_poll_for_a_host_outside_allowed_hosts_gets_a_400(api_client, user, db):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]

    answer = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag, HTTP_HOST="evil.example")

    assert answer.status_code == 400


def test_a_deleted_token_gets_a_401_not_a_304(api_client, user, db):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]
    Token.objects.filter(user=user).delete()

    answer = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    assert answer.status_code == 401


def test_a_deleted_batch_gets_a_404_not_a_304(api_client, user, db):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]
    delete_batch(batch)

    answer = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    assert answer.status_code == 404


def test_the_steps_of_a_read_leave_the_polls_to_the_cache(api_client, logged_in_client, user, db):
    """Reading the file, each engine, extraction, enhancement: history rows that show nothing
    new on the batch's pages, so polls during them are still answered without the database."""
    batch = two_receipt_batch(user)
    receipt = batch.receipts.first()
    receipt.claim_for_processing()
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]
    since = batch.change_tag()
    assert logged_in_client.get(f"/batches/{batch.id}/?since={since}", **HTMX).status_code == 204
    for event in ("read_file", "rapidocr", "ocr", "extract", "enhance"):
        receipt.log(event, f"{event} done.")

    with CaptureQueriesContext(connection) as queries:
        api = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)
        page = logged_in_client.get(f"/batches/{batch.id}/?since={since}", **HTMX)

    assert (api.status_code, page.status_code) == (304, 204)
    assert len(queries) == 0


def test_a_receipt_saved_with_a_new_file_type_is_seen_by_the_next_poll(api_client, user, db):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]
    receipt = batch.receipts.first()
    receipt.content_type = "image/jpeg"  # as the reader does when the bytes say another type
    receipt.save(update_fields=["content_type"])
    receipt.log("file_type", "The file is image/jpeg, not image/png.")

    changed = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    assert changed.status_code == 200
    assert {r["content_type"] for r in changed.json()["receipts"]} == {"image/jpeg", "image/png"}


def test_a_memo_worked_out_before_a_change_is_never_used(api_client, user, db):
    """A poll reads the database, a change lands, then the poll keeps its memo: the memo is
    stamped with the generation from before the change, so the next poll sees the change."""
    batch = two_receipt_batch(user)
    token = Token.objects.get(user=user)
    memo = polls.Memo(batch.id)
    stale_tag = batch.change_tag()
    batch.receipts.first().claim_for_processing()
    memo.keep(batch, stale_tag, polls.token_credential(token.key))

    answer = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=polls.api_etag(stale_tag))

    assert answer.status_code == 200
    assert {r["status"] for r in answer.json()["receipts"]} == {"processing", "queued"}


def test_a_change_in_a_transaction_is_seen_once_it_commits(api_client, user, db, django_capture_on_commit_callbacks):
    """A poll between the change and its commit still reads the old rows; the generation is
    replaced again after the commit, so what that poll kept is dropped."""
    batch = two_receipt_batch(user)
    token = Token.objects.get(user=user)
    stale_tag = batch.change_tag()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        batch.receipts.first().claim_for_processing()
        memo = polls.Memo(batch.id)  # a concurrent poll, which still sees the old rows
        memo.keep(batch, stale_tag, polls.token_credential(token.key))

    answer = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=polls.api_etag(stale_tag))

    assert answer.status_code == 200


def test_polls_are_answered_by_the_views_while_the_cache_is_unreachable(api_client, user, db, monkeypatch):
    batch = two_receipt_batch(user)
    etag = api_client.get(f"/api/batches/{batch.id}")["ETag"]

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", unreachable)
    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "set_many", unreachable)
    unchanged = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)
    batch.receipts.first().claim_for_processing()
    changed = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert changed.status_code == 200


def test_the_pages_poll_gets_204_while_nothing_changed(logged_in_client, user, db):
    batch = two_receipt_batch(user)
    first = logged_in_client.get(f"/batches/{batch.id}/", **HTMX)
    tag = batch.change_tag()

    unchanged = logged_in_client.get(f"/batches/{batch.id}/", {"since": tag}, **HTMX)

    assert f'?since={tag}"' in first.content.decode()
    assert unchanged.status_code == 204
    assert unchanged.content == b""


def test_an_unchanged_page_poll_is_answered_without_the_database(logged_in_client, user, db):
    batch = two_receipt_batch(user)
    logged_in_client.get(f"/batches/{batch.id}/", **HTMX)
    tag = batch.change_tag()

    with CaptureQueriesContext(connection) as queries:
        unchanged = logged_in_client.get(f"/batches/{batch.id}/", {"since": tag}, **HTMX)

    assert unchanged.status_code == 204
    assert len(queries) == 0


def test_after_logging_out_the_page_poll_goes_to_the_login_page(logged_in_client, user, db):
    batch = two_receipt_batch(user)
    logged_in_client.get(f"/batches/{batch.id}/", **HTMX)
    tag = batch.change_tag()
    session_key = logged_in_client.cookies["sessionid"].value
    logged_in_client.post("/accounts/logout/")
    logged_in_client.cookies["sessionid"] = session_key  # a tab that kept the old cookie

    answer = logged_in_client.get(f"/batches/{batch.id}/", {"since": tag}, **HTMX)

    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("held", ["", "-0-0"])
def test_a_page_poll_with_another_tag_gets_the_rows(logged_in_client, user, db, held):
    batch = two_receipt_batch(user)
    logged_in_client.get(f"/batches/{batch.id}/", **HTMX)

    answer = logged_in_client.get(f"/batches/{batch.id}/", {"since": held}, **HTMX)

    assert answer.status_code == 200
    assert "0/2 processed" in answer.content.decode()


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
