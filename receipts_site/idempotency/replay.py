"""`Idempotency-Key` on POST, as Stripe does it: the first answer to a key is stored and given
again for RECEIPT_IDEMPOTENCY_HOURS, so a client whose answer was lost can safely send the same
request again; the same key with a different request is refused.
"""

import hashlib
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.response import Response

from receipts_site.api_errors import api_error
from receipts_site.idempotency.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "Retry-After")


def request_fingerprint(request):
    """Method, path, fields and the files' names and contents: the same for the same request
    however the client encodes it (a multipart boundary changes every time)."""
    digest = hashlib.sha256(f"{request.method} {request.path}".encode())
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"\0{name}={value}".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"\0{name}:{upload.name}:".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def claim_key(user, key, fingerprint):
    """The stored record for the key, or a new one claimed for this request (second value True)."""
    fresh_after = timezone.now() - timedelta(hours=settings.RECEIPT_IDEMPOTENCY_HOURS)
    IdempotencyKey.objects.filter(user=user, created_at__lt=fresh_after).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint), True
    except IntegrityError:
        return IdempotencyKey.objects.get(user=user, key=key), False


def replay(record, fingerprint):
    if record.fingerprint != fingerprint:
        return api_error(
            "This Idempotency-Key was used with a different request; use a new key for a new request.",
            "idempotency_key_reused",
            status.HTTP_409_CONFLICT,
        )
    if record.response_status is None:
        return api_error(
            "A request with this Idempotency-Key is still being answered; try again in a moment.",
            "idempotency_key_in_use",
            status.HTTP_409_CONFLICT,
            headers={"Retry-After": "1"},
        )
    headers = {**record.response_headers, REPLAYED_HEADER: "true"}
    return Response(record.response_body, status=record.response_status, headers=headers)


def idempotent(handler):
    """Wrap an APIView's post(): replay the stored answer for a key already seen."""

    @wraps(handler)
    def post(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > 255:
            return api_error(f"{HEADER} may be at most 255 characters.", "invalid_idempotency_key", 400)
        fingerprint = request_fingerprint(request)
        record, claimed = claim_key(request.user, key, fingerprint)
        if not claimed:
            return replay(record, fingerprint)
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 500 or response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
            record.delete()  # not an answer to keep: the same request may succeed later
            return response
        record.response_status = response.status_code
        record.response_body = response.data
        record.response_headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        record.save(update_fields=["response_status", "response_body", "response_headers"])
        return response

    return post
