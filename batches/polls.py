"""Progress polls that find nothing changed, answered from the cache before the rest of Django runs.

An open batch page polls every second, and so does a script that GETs its batch with
If-None-Match; nearly every poll finds nothing changed. Working that out in the views costs a
session or token lookup, the batch and its change tag (`Batch.change_tag`): about 3 ms of CPU
and three queries each, which at a few hundred polls a second takes the CPU the readers need.
So the views remember what they answered, in the cache (Redis):

- per batch, a *memo*: the tag the view worked out, the owner and whether the batch was
  finished, stamped with the batch's *generation*;
- per credential (an API token or a session key, hashed), the user it was found to be.

A batch's generation is a random value, replaced whenever something shown about the batch
changes: one of its receipts moves from state to state (`receipt_changed`, sent for every
move) or is saved (arrival, a correction, its file's type found), its own status, a deletion.
It is replaced as the change is written and again once it is committed. The steps a receipt
goes through while it is read (reading the file, each OCR engine, extraction, enhancement)
write history rows but show nothing new on the batch's pages, so they leave it alone: a poll
during those steps is still answered from the cache. (Replaced on every history row, the
generation sent four times as many polls to the views under the load test, each a full answer
of about 8 ms of CPU.) The change tag counts those rows too, so a view run after one may answer
200 with a new tag and the same content; that only costs the one answer.

A poll is answered 304 (API) or 204 (the page's htmx poll) when the credential is known to be
the owner's and the tag the client holds is the memo's, under the batch's current generation.
`FastPolls` asks that in front of Django, under the WSGI server (receipts_site/wsgi.py);
`UnchangedPollMiddleware` asks the same for requests that reach Django otherwise. Each web
process keeps a short-lived copy of what it read (`LocalCopy`), which every write of the poll
state drops in every process through Redis pub/sub, so a poll that finds nothing changed costs
no round trip at all. Anything else (no memo, another generation, another user, the cache
unreachable) goes on to the view, which works the answer out from the database and remembers it.
The database stays the truth: the cache only ever says "what you have is still current".

Measured with `python -m bench.loadtest.polls` (200 polls a second on 100 keep-alive
connections, the web server's CPU per unchanged poll): 2.05 ms when the middleware answered
them inside Django under gunicorn, 0.50 ms now. A bare WSGI application answering 304 costs
granian about 0.26 ms; reading Redis for each poll instead of the copy cost about 0.35 ms more.

Why a generation and not deleting the memo on change: a view reads the generation *before* it
reads the database and keeps its memo under it. A change committed after that read has replaced
the generation, so a memo worked out from the state before the change is never taken for the
current one, however the two interleave. Memos and credentials expire after MEMO_SECONDS. That
bounds how long a change written while the cache could not be reached goes unseen, and how long
a credential that stopped being valid some other way than logging out or deleting the token
(which forget it at once) still gets an empty "nothing changed".
"""

import hashlib
import logging
import os
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.http.cookie import parse_cookie
from django.middleware.security import SecurityMiddleware
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.urls.converters import UUIDConverter
from django.utils.http import parse_etags
from rest_framework.authtoken.models import Token

from receipts.models import Receipt, receipt_changed

logger = logging.getLogger(__name__)

MEMO_SECONDS = 60
GENERATION_SECONDS = 24 * 3600  # far longer than a memo: an expired generation is a new one
NO_GENERATION = "-"  # a batch with no generation in the cache (none yet, or the cache lost it)
API_VIEW = "api-batch-detail"
PAGE_VIEW = "batches:detail"
HTTP_NO_CONTENT = 204  # htmx leaves the page as it is
NOT_MODIFIED, NO_CONTENT = "not modified", "no content"  # the two "nothing changed" answers
CACHE_CONTROL = "private, no-cache"
LOCAL_SECONDS = 10  # how long this process trusts its own copy of what it read (see LocalCopy)
LOCAL_LIMIT = 20_000  # batches in that copy; past it, the copy starts afresh


def _generation_key(batch_id):
    return f"poll:generation:{batch_id}"


def _memo_key(batch_id):
    return f"poll:memo:{batch_id}"


CREDENTIAL_KEY_PREFIX = "poll:credential:"


def _credential_key(credential):
    return CREDENTIAL_KEY_PREFIX + hashlib.sha256(credential.encode()).hexdigest()


def token_credential(key):
    return f"token:{key}"


def session_credential(session_key):
    return f"session:{session_key}"


def credential_of(request):
    """The credential a view's request was let in with, named as the middleware will find it."""
    auth = getattr(request, "auth", None)  # a REST framework request's token, if it came with one
    if isinstance(auth, Token):
        return token_credential(auth.key)
    if request.user.is_authenticated and request.session.session_key:
        return session_credential(request.session.session_key)
    return None


def api_etag(tag):
    return f'"{tag}"'


class Memo:
    """What a poll view works out about a batch, kept for the polls after it.

    Made before the view reads the batch: it reads the batch's generation first (see the
    module's docstring for why the order matters).
    """

    def __init__(self, batch_id):
        self.batch_id = batch_id
        try:
            self.generation = cache.get(_generation_key(batch_id), NO_GENERATION)
        except Exception as exc:  # the cache is an optimisation: the poll is answered without it
            logger.warning("Progress polls are not remembered (cache: %s)", exc)
            self.generation = None

    def keep(self, batch, tag, credential):
        """Remember `tag` as what `credential` (the batch's owner) was last told."""
        if self.generation is None or not credential:
            return
        memo = (self.generation, batch.user_id, tag, batch.is_finished)
        try:
            cache.set_many({_memo_key(self.batch_id): memo, _credential_key(credential): batch.user_id}, MEMO_SECONDS)
            LOCAL.announce(str(self.batch_id))  # copies of the memo it replaces are dropped
        except Exception as exc:
            logger.warning("Progress polls are not remembered (cache: %s)", exc)


def changed(batch_id):
    """Something shown about the batch changed: no memo made before this may answer a poll."""
    _new_generation(batch_id)
    if connection.in_atomic_block:
        transaction.on_commit(partial(_new_generation, batch_id))


def _new_generation(batch_id):
    try:
        cache.set(_generation_key(batch_id), secrets.token_hex(8), GENERATION_SECONDS)
        LOCAL.announce(str(batch_id))
    except Exception as exc:
        logger.warning("Batch %s changed while the cache was unreachable: %s", batch_id, exc)


def forget_credential(credential):
    try:
        cache.delete(_credential_key(credential))
        LOCAL.announce(_credential_key(credential))
    except Exception as exc:
        logger.warning("Could not forget a credential for progress polls: %s", exc)


class LocalCopy:
    """This process's copy of the poll state it read from the cache, kept true by Redis pub/sub.

    Asking Redis costs a poll a round trip: under load about a third of a millisecond of the web
    server's CPU, more than the rest of a "nothing changed" answer. So each web process keeps
    what it read, for LOCAL_SECONDS, and every write of the poll state announces what it
    changed (a batch's id, or a credential's key) on one channel; every process drops its copy
    of what is named.

    The copy is trusted only while this process is subscribed, and only after it has handled
    every announcement already waiting on its connection. That check is made, without waiting,
    before every answer from the copy, on the thread that answers: there is no listening thread
    to fall behind, and an announcement that reached this machine before the poll did is always
    seen. A write made by this process drops its own copy at once. What was read from Redis is
    kept only if no announcement came while it was read (`_mark`), and only when it could answer
    a poll (a memo of the batch's current generation, for its owner). A lost subscription drops
    the whole copy and polls are answered from Redis until a new one is confirmed; LOCAL_SECONDS
    bounds how long anything the announcements missed could be believed.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._pubsub = None
        self._live = False
        self._retry_at = 0.0
        self._mark = 0  # changes whenever anything is dropped
        self._batches = {}  # batch id -> (expires, generation, memo)
        self._credentials = {}  # credential key -> (expires, user id)

    def state(self, batch_id, credential):
        """(generation, memo, user id) for a poll, from the copy or from Redis; None if unknown."""
        credential_key = _credential_key(credential)
        with self._lock:
            live = self._catch_up()
            if live:
                now = time.monotonic()
                batch, user = self._batches.get(batch_id), self._credentials.get(credential_key)
                if batch is not None and user is not None and batch[0] > now and user[0] > now:
                    return batch[1], batch[2], user[1]
            mark = self._mark
        keys = [_generation_key(batch_id), _memo_key(batch_id), credential_key]
        try:
            found = cache.get_many(keys)
        except Exception:
            return None  # the view answers from the database
        generation, memo, user_id = found.get(keys[0], NO_GENERATION), found.get(keys[1]), found.get(keys[2])
        if live and memo is not None and memo[0] == generation and memo[1] == user_id:
            with self._lock:
                if self._catch_up() and self._mark == mark:
                    self._keep(batch_id, credential_key, generation, memo, user_id)
        return generation, memo, user_id

    def clear(self):
        """Drop the whole copy (the cache was emptied by hand, say, or between tests)."""
        with self._lock:
            self._drop_all()

    def announce(self, name):
        """The poll state of `name` (a batch id or a credential key) changed: drop every copy."""
        self._drop(name)
        client = _redis_client()
        if client is not None:
            client.publish(_channel(), name)

    def _keep(self, batch_id, credential_key, generation, memo, user_id):
        if len(self._batches) >= LOCAL_LIMIT:
            self._batches.clear()
            self._credentials.clear()
        expires = time.monotonic() + LOCAL_SECONDS
        self._batches[batch_id] = (expires, generation, memo)
        self._credentials[credential_key] = (expires, user_id)

    def _drop(self, name):
        with self._lock:
            self._drop_locked(name)

    def _drop_locked(self, name):
        self._mark += 1
        if name.startswith(CREDENTIAL_KEY_PREFIX):
            self._credentials.pop(name, None)
        else:
            self._batches.pop(name, None)

    def _drop_all(self):
        self._mark += 1
        self._batches.clear()
        self._credentials.clear()

    def _catch_up(self):
        """Handles every announcement waiting; True while the copy can be trusted."""
        if self._pid != os.getpid():  # first use in this process, or in a fork of one that used it
            self._pid, self._pubsub, self._live = os.getpid(), None, False
            self._drop_all()
        if self._pubsub is None and not self._subscribe():
            return False
        try:
            if self._live and not self._pubsub.connection.can_read(timeout=0):
                return True  # nothing waiting: one look at the socket, without PubSub's layers
            while (message := self._pubsub.get_message(timeout=0)) is not None:
                if message["type"] == "message":
                    self._drop_locked(message["data"].decode())
                elif message["type"] == "subscribe":
                    self._drop_all()  # whatever was announced before this is not known
                    self._live = True
        except Exception as exc:
            logger.warning("Progress polls are answered from Redis until it is back (%s)", exc)
            self._unsubscribe()
            return False
        return self._live

    def _subscribe(self):
        client = _redis_client()
        if client is None or time.monotonic() < self._retry_at:
            return False
        try:
            pubsub = client.pubsub()
            pubsub.subscribe(_channel())
            # redis-py reconnects a lost pub/sub connection by itself and subscribes again:
            # what was announced in between is lost, so the copy is too.
            pubsub.connection.register_connect_callback(self._reconnected)
        except Exception as exc:
            logger.warning("Progress polls are answered from Redis (%s)", exc)
            self._retry_at = time.monotonic() + 1
            return False
        self._pubsub, self._live = pubsub, False  # trusted from the subscription's confirmation
        return True

    def _reconnected(self, connection):
        self._live = False
        self._drop_all()

    def _unsubscribe(self):
        pubsub, self._pubsub, self._live = self._pubsub, None, False
        self._drop_all()
        self._retry_at = time.monotonic() + 1
        try:
            pubsub.close()
        except Exception:  # noqa: S110  (it is being thrown away)
            pass


def _redis_client():
    """The cache's Redis client, for pub/sub; None under a cache that is not Redis."""
    client = getattr(cache, "redis_client", None)
    return client() if client is not None else None


def _channel():
    return cache.make_key("poll:changes")


LOCAL = LocalCopy()


@dataclass(frozen=True)
class Poll:
    """A request that may be a progress poll: which kind, the tag it holds, its batch and credential."""

    view: str
    held: str
    batch_id: str
    credential: str

    @classmethod
    def of_request(cls, request):
        """The poll a Django request makes, or None if it is not one the cache can answer."""
        if request.method != "GET":
            return None
        if "If-None-Match" in request.headers:
            view, held = API_VIEW, request.headers["If-None-Match"]
        elif request.headers.get("HX-Request") == "true" and "since" in request.GET:
            view, held = PAGE_VIEW, request.GET["since"]
        else:
            return None
        credential = _credential_sent(
            request.headers.get("Authorization", "") if view == API_VIEW else "",
            request.COOKIES.get(settings.SESSION_COOKIE_NAME),
        )
        if credential is None:
            return None
        request.get_host()  # a Host outside ALLOWED_HOSTS is refused (400) here as everywhere else
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name != view:
            return None
        return cls(view, held, str(match.kwargs.get("pk") or match.kwargs.get("batch_id")), credential)


def _credential_sent(authorization, session_key):
    scheme, _, key = authorization.partition(" ")
    if scheme == "Token" and key.strip():
        return token_credential(key.strip())
    return session_credential(session_key) if session_key else None


def unchanged(poll):
    """("304", etag) or ("204", None) when the client of `poll` holds the current tag; else None.

    Known by the cache alone, this process's copy of it first (`LOCAL`).
    """
    state = LOCAL.state(poll.batch_id, poll.credential)
    if state is None:
        return None
    generation, memo, user_id = state
    if memo is None:
        return None
    memo_generation, owner_id, tag, finished = memo
    if memo_generation != generation or user_id != owner_id:
        return None
    if poll.view == API_VIEW:
        etag = api_etag(tag)
        if etag not in parse_etags(poll.held) and poll.held.strip() != "*":
            return None
        return NOT_MODIFIED, etag
    if finished or poll.held != tag:
        return None  # a finished batch's poll gets the rows and the stop (286) from the view
    return NO_CONTENT, None


def unchanged_answer(request):
    """The 304 or 204 for a Django request whose client holds the current tag; else None."""
    poll = Poll.of_request(request)
    answer = unchanged(poll) if poll is not None else None
    if answer is None:
        return None
    return _unchanged_response(*answer)


class UnchangedPollMiddleware:
    """Answers progress polls that find nothing changed before sessions, auth and views run.

    Under a WSGI server `FastPolls` answers them before Django runs at all; this answers those
    that reach Django otherwise (under ASGI, in tests through Django's client).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        answer = unchanged_answer(request)
        return answer if answer is not None else self.get_response(request)


class FastPolls:
    """WSGI middleware: answers progress polls that find nothing changed before Django runs.

    Under load nearly every request is such a poll, and Django's handling around the answer
    (the request object, its signals, the middleware chain, resolving the URL) cost more CPU
    than finding the answer. This finds the same polls in the WSGI environ (the two poll URLs,
    worked out from the URLconf), asks `unchanged` the same question as the middleware does, and
    gives the answer Django would give, with the headers Django's SecurityMiddleware adds.
    Everything else, and anything it cannot be sure of (a Host outside ALLOWED_HOSTS, a plain
    HTTP request that must be redirected, an error), goes to Django unchanged.
    """

    def __init__(self, application):
        self.application = application
        self.paths = {view: _path_pattern(view, kwarg) for view, kwarg in ((API_VIEW, "pk"), (PAGE_VIEW, "batch_id"))}
        self.security = SecurityMiddleware(lambda request: None)
        self.headers = {}  # (answer, is the request secure) -> headers but the ETag
        self.hosts = {}  # what get_host() depends on -> whether Django lets the request in

    def __call__(self, environ, start_response):
        try:
            answer = self.answer(environ)
        except Exception:
            logger.exception("A progress poll was left to Django")
            answer = None
        if answer is None:
            return self.application(environ, start_response)
        start_response(*answer)
        return [b""]

    def answer(self, environ):
        """(status, headers) for an unchanged poll, or None."""
        poll = self.poll(environ)
        found = unchanged(poll) if poll is not None else None
        if found is None:
            return None
        kind, etag = found
        secure = _is_secure(environ)
        if (kind, secure) not in self.headers:
            response = _unchanged_response(kind, None)
            self.security.process_response(_EnvironRequest(environ), response)
            self.headers[kind, secure] = (f"{response.status_code} {response.reason_phrase}", list(response.items()))
        status, headers = self.headers[kind, secure]
        return status, headers + [("ETag", etag)] if etag else headers

    def poll(self, environ):
        if environ.get("REQUEST_METHOD") != "GET":
            return None
        path = environ.get("PATH_INFO", "")
        if "HTTP_IF_NONE_MATCH" in environ:
            view, held = API_VIEW, environ["HTTP_IF_NONE_MATCH"]
        elif environ.get("HTTP_HX_REQUEST") == "true":
            view, held = PAGE_VIEW, QueryDict(environ.get("QUERY_STRING", "")).get("since")
        else:
            return None
        match = self.paths[view].fullmatch(path)
        if match is None or held is None:
            return None
        credential = _credential_sent(
            environ.get("HTTP_AUTHORIZATION", "") if view == API_VIEW else "",
            parse_cookie(environ.get("HTTP_COOKIE", "")).get(settings.SESSION_COOKIE_NAME),
        )
        if credential is None:
            return None
        if not self.host_allowed(environ):
            return None  # Django answers 400
        if settings.SECURE_SSL_REDIRECT and not _is_secure(environ):
            return None  # Django redirects it
        return Poll(view, held, match[1], credential)

    def host_allowed(self, environ):
        """Whether Django's get_host() takes the request's Host, worked out once per Host."""
        key = (
            environ.get("HTTP_HOST"),
            environ.get("HTTP_X_FORWARDED_HOST"),
            environ.get("SERVER_NAME"),
            environ.get("SERVER_PORT"),
            tuple(settings.ALLOWED_HOSTS),
            settings.DEBUG,
            settings.USE_X_FORWARDED_HOST,
        )
        allowed = self.hosts.get(key)
        if allowed is None:
            try:
                _EnvironRequest(environ).get_host()
                allowed = True
            except DisallowedHost:
                allowed = False
            if len(self.hosts) < 1000:  # a client can send any Host: the memory stays bounded
                self.hosts[key] = allowed
        return allowed


def _is_secure(environ):
    """HttpRequest.is_secure() for a WSGI environ, without making the request."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        if header in environ:
            return environ[header].split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


class _EnvironRequest(HttpRequest):
    """Just enough of a request over a WSGI environ for the Host and HTTPS checks."""

    def __init__(self, environ):
        super().__init__()
        self.META = environ

    def _get_scheme(self):
        return self.META.get("wsgi.url_scheme", "http")


def _path_pattern(view, kwarg):
    """The view's path with its batch id as a group, from the URLconf."""
    sample = str(uuid.UUID(int=0))
    path = reverse(view, kwargs={kwarg: sample}).removeprefix(get_script_prefix())
    return re.compile("/" + re.escape(path).replace(re.escape(sample), f"({UUIDConverter.regex})"))


def _unchanged_response(kind, etag):
    if kind == NO_CONTENT:
        return HttpResponse(status=HTTP_NO_CONTENT)
    response = HttpResponseNotModified()
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response


@receiver(receipt_changed, dispatch_uid="polls-receipt-moved")
def receipt_moved(sender, batch_id, **kwargs):
    changed(batch_id)


@receiver(post_save, sender=Receipt, dispatch_uid="polls-receipt-saved")
def receipt_saved(sender, instance, **kwargs):
    if instance.batch_id:
        changed(instance.batch_id)


@receiver(post_save, sender="batches.Batch", dispatch_uid="polls-batch-saved")
@receiver(post_delete, sender="batches.Batch", dispatch_uid="polls-batch-deleted")
def batch_written(sender, instance, **kwargs):
    changed(instance.pk)


@receiver(post_delete, sender=Receipt, dispatch_uid="polls-receipt-deleted")
def receipt_deleted(sender, instance, **kwargs):
    if instance.batch_id:
        changed(instance.batch_id)


@receiver(user_logged_out, dispatch_uid="polls-logged-out")
def logged_out(sender, request, **kwargs):
    if request is not None and request.session.session_key:
        forget_credential(session_credential(request.session.session_key))


@receiver(post_delete, sender=Token, dispatch_uid="polls-token-deleted")
def token_deleted(sender, instance, **kwargs):
    forget_credential(token_credential(instance.key))
