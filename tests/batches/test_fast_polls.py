"""Polls that find nothing changed are answered in front of Django, from each web process's own
copy of the poll state, kept true by what every write announces (batches/polls.py: FastPolls,
LocalCopy). Through the WSGI application the web server runs, against the real Redis."""

import io
import os
import time

import pytest
import redis
from django.conf import settings
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from batches import polls
from batches.services import create_batch
from receipts.models import ProcessingLog, Receipt
from receipts_site.wsgi import django_application
from tests.conftest import upload
from tests.receipt_images import receipt_png


class Server:
    """The WSGI application as receipts_site/wsgi.py builds it, counting what reached Django."""

    def __init__(self):
        self.to_django = 0
        self.application = polls.FastPolls(self.django)

    def django(self, environ, start_response):
        self.to_django += 1
        return django_application(environ, start_response)

    def get(self, path, query="", method="GET", host="testserver", **headers):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.url_scheme": "http",
            **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
        }
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"], answer["headers"] = int(status.split()[0]), dict(response_headers)

        # As Django's test client does: the test's database connection stays open.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            chunks = self.application(environ, start_response)
            body = b"".join(chunks)
            getattr(chunks, "close", lambda: None)()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return answer["status"], answer["headers"], body


@pytest.fixture
def server():
    return Server()


@pytest.fixture
def token(api_client):
    return api_client._credentials["HTTP_AUTHORIZATION"]


@pytest.fixture
def session_cookie(logged_in_client):
    return f"{settings.SESSION_COOKIE_NAME}={logged_in_client.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.fixture
def batch(user):
    return create_batch(user, [upload(name, receipt_png(), "image/png") for name in ("a.png", "b.png")])


@pytest.fixture
def reads(monkeypatch):
    """How many times the poll state was read from Redis."""
    count = [0]
    read = cache.get_many

    def counted(keys, *args, **kwargs):
        if any(key.startswith("poll:") for key in keys):
            count[0] += 1
        return read(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    return count


def api_poll(server, batch, token, etag):
    return server.get(f"/api/batches/{batch.id}", authorization=token, if_none_match=etag)


def page_poll(server, batch, cookie, tag):
    return server.get(f"/batches/{batch.id}/", f"since={tag}", cookie=cookie, hx_request="true")


def first_answer(server, batch, token):
    status, headers, _ = server.get(f"/api/batches/{batch.id}", authorization=token)
    assert status == 200
    return headers["ETag"]


def settle(server, batch, token, etag):
    """Polls until this process answers from its copy (it subscribes on its first poll, and
    again a second after losing its subscription)."""
    for _ in range(100):
        api_poll(server, batch, token, etag)
        if polls.LOCAL._live:
            return
        time.sleep(0.05)
    raise AssertionError("the poll state's subscription was never confirmed")


def test_an_unchanged_api_poll_is_answered_as_django_would_without_reaching_it(server, batch, token, api_client, db):
    etag = first_answer(server, batch, token)
    from_django = api_client.get(f"/api/batches/{batch.id}", HTTP_IF_NONE_MATCH=etag)
    server.to_django = 0

    with CaptureQueriesContext(connection) as queries:
        status, headers, body = api_poll(server, batch, token, etag)

    assert (status, body) == (304, b"")
    assert server.to_django == 0
    assert len(queries) == 0
    assert headers == dict(from_django.items())
    assert headers["ETag"] == etag
    assert headers["Cache-Control"] == "private, no-cache"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_unchanged_page_poll_gets_204_without_reaching_django(server, batch, session_cookie, logged_in_client, db):
    server.get(f"/batches/{batch.id}/", cookie=session_cookie, hx_request="true")
    tag = batch.change_tag()
    from_django = logged_in_client.get(f"/batches/{batch.id}/", {"since": tag}, HTTP_HX_REQUEST="true")
    server.to_django = 0

    status, headers, body = page_poll(server, batch, session_cookie, tag)

    assert (status, body) == (204, b"")
    assert server.to_django == 0
    assert headers == dict(from_django.items())


def test_once_subscribed_unchanged_polls_are_answered_from_the_processs_copy(server, batch, token, reads, db):
    etag = first_answer(server, batch, token)
    settle(server, batch, token, etag)
    api_poll(server, batch, token, etag)  # read from Redis once more, and kept
    reads[0] = 0

    answers = [api_poll(server, batch, token, etag)[0] for _ in range(20)]

    assert answers == [304] * 20
    assert reads[0] == 0


def test_a_change_made_in_this_process_is_seen_by_the_next_poll(server, batch, token, db):
    etag = first_answer(server, batch, token)
    settle(server, batch, token, etag)
    batch.receipts.first().claim_for_processing()

    status, headers, body = api_poll(server, batch, token, etag)

    assert status == 200
    assert headers["ETag"] != etag
    assert b'"processing"' in body


def test_a_change_announced_by_another_process_is_seen_by_the_next_poll(server, batch, token, db):
    etag = first_answer(server, batch, token)
    settle(server, batch, token, etag)
    api_poll(server, batch, token, etag)
    assert api_poll(server, batch, token, etag)[0] == 304
    # A worker's change: its rows (written here without signals, so this process does not know)...
    moved = batch.receipts.first()
    Receipt.objects.filter(pk=moved.pk).update(status=Receipt.Status.PROCESSING)
    ProcessingLog.objects.bulk_create([ProcessingLog(receipt=moved, event="claimed", message="Taken by a worker.")])
    assert api_poll(server, batch, token, etag)[0] == 304  # (the copy cannot know without being told)
    pid = os.fork()
    if pid == 0:  # ... and its announcement, from a process of its own
        code = 1
        try:
            polls._new_generation(str(batch.id))
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0

    status, headers, body = api_poll(server, batch, token, etag)

    assert status == 200
    assert headers["ETag"] != etag
    assert b'"processing"' in body


def test_a_lost_subscription_drops_the_copy_and_polls_are_read_from_redis(server, batch, token, reads, db):
    etag = first_answer(server, batch, token)
    settle(server, batch, token, etag)
    api_poll(server, batch, token, etag)
    killer = redis.Redis.from_url(settings.REDIS_URL)
    assert killer.client_kill_filter(_type="pubsub") >= 1
    reads[0] = 0

    first, second = api_poll(server, batch, token, etag), api_poll(server, batch, token, etag)

    assert (first[0], second[0]) == (304, 304)
    assert reads[0] >= 1  # from Redis, until a new subscription is confirmed
    settle(server, batch, token, etag)
    batch.receipts.first().claim_for_processing()
    assert api_poll(server, batch, token, etag)[0] == 200


def test_the_copy_is_kept_only_for_local_seconds(server, batch, token, reads, db, monkeypatch):
    monkeypatch.setattr(polls, "LOCAL_SECONDS", 0)
    etag = first_answer(server, batch, token)
    settle(server, batch, token, etag)
    reads[0] = 0

    answers = [api_poll(server, batch, token, etag)[0] for _ in range(5)]

    assert answers == [304] * 5
    assert reads[0] == 5


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "POST"},
        {"host": "evil.example"},
        {"authorization": "Token not-a-token"},
        {"authorization": ""},
    ],
    ids=["not a GET", "a Host outside ALLOWED_HOSTS", "another token", "no credential"],
)
def test_what_the_fast_path_cannot_be_sure_of_goes_to_django(server, batch, token, db, request_args):
    etag = first_answer(server, batch, token)
    settle(server, batch, token, etag)
    server.to_django = 0
    arguments = {"authorization": token, "if_none_match": etag, **request_args}

    status, _, _ = server.get(f"/api/batches/{batch.id}", **arguments)

    assert server.to_django == 1
    assert status in {400, 401, 405}


def test_after_logging_out_a_poll_goes_to_the_login_page(server, batch, session_cookie, logged_in_client, db):
    server.get(f"/batches/{batch.id}/", cookie=session_cookie, hx_request="true")
    tag = batch.change_tag()
    assert page_poll(server, batch, session_cookie, tag)[0] == 204
    logged_in_client.post("/accounts/logout/")

    status, headers, _ = page_poll(server, batch, session_cookie, tag)

    assert status == 302
    assert headers["Location"].startswith("/accounts/login/")


def test_an_error_in_the_fast_path_leaves_the_poll_to_django(server, batch, token, db, monkeypatch):
    etag = first_answer(server, batch, token)

    def broken(*args):
        raise RuntimeError("broken")

    monkeypatch.setattr(polls.FastPolls, "poll", broken)
    server.to_django = 0

    status, _, _ = api_poll(server, batch, token, etag)

    assert server.to_django == 1
    assert status == 304  # from Django's own middleware
