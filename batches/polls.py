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

`UnchangedPollMiddleware` answers a poll 304 (API) or 204 (the page's htmx poll) when the
credential is known to be the owner's and the tag the client holds is the memo's, under the
batch's current generation. Anything else (no memo, another generation, another user, the cache
unreachable) goes on to the view, which works the answer out from the database and remembers it.
The database stays the truth: the cache only ever says "what you have is still current".

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
import secrets
from functools import partial

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
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


def _generation_key(batch_id):
    return f"poll:generation:{batch_id}"


def _memo_key(batch_id):
    return f"poll:memo:{batch_id}"


def _credential_key(credential):
    return f"poll:credential:{hashlib.sha256(credential.encode()).hexdigest()}"


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
    except Exception as exc:
        logger.warning("Batch %s changed while the cache was unreachable: %s", batch_id, exc)


def forget_credential(credential):
    try:
        cache.delete(_credential_key(credential))
    except Exception as exc:
        logger.warning("Could not forget a credential for progress polls: %s", exc)


def unchanged_answer(request):
    """304 or 204 for a poll whose client holds the current tag, by the cache alone; else None."""
    if request.method != "GET":
        return None
    if "If-None-Match" in request.headers:
        view, held, credential = API_VIEW, request.headers["If-None-Match"], _token_sent(request)
    elif request.headers.get("HX-Request") == "true" and "since" in request.GET:
        view, held, credential = PAGE_VIEW, request.GET["since"], None
    else:
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    credential = credential or (session_credential(session_key) if session_key else None)
    if credential is None:
        return None
    request.get_host()  # a Host outside ALLOWED_HOSTS is refused (400) here as everywhere else
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != view:
        return None
    batch_id = match.kwargs.get("pk") or match.kwargs.get("batch_id")
    keys = [_generation_key(batch_id), _memo_key(batch_id), _credential_key(credential)]
    try:
        found = cache.get_many(keys)
    except Exception:
        return None  # the view answers from the database
    memo = found.get(keys[1])
    if memo is None:
        return None
    generation, owner_id, tag, finished = memo
    if generation != found.get(keys[0], NO_GENERATION) or found.get(keys[2]) != owner_id:
        return None
    if view == API_VIEW:
        etag = api_etag(tag)
        if etag not in parse_etags(held) and held.strip() != "*":
            return None
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response
    if finished or held != tag:
        return None  # a finished batch's poll gets the rows and the stop (286) from the view
    return HttpResponse(status=HTTP_NO_CONTENT)


def _token_sent(request):
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return token_credential(key.strip()) if scheme == "Token" and key.strip() else None


class UnchangedPollMiddleware:
    """Answers progress polls that find nothing changed before sessions, auth and views run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        answer = unchanged_answer(request)
        return answer if answer is not None else self.get_response(request)


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
