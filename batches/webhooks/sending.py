"""One signed POST to a receiver, made to the address that was checked (see addresses.py)."""

import http.client
import json
import socket
import ssl
import time

from django.conf import settings
from django.utils import timezone

from batches.webhooks import addresses, signing

EXCERPT_BYTES = 1000
USER_AGENT = "Receipts-Webhooks/1"


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a given address while naming the URL's host in the request."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def request_body(delivery):
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def post(delivery, number):
    """Make attempt `number` of this delivery and return the saved Attempt.

    The receiver's faults are recorded on the attempt, never raised; `worth_retrying` is False
    when the address itself is refused, which no retry would change.
    """
    attempt = delivery.attempts.model(delivery=delivery, number=number, started_at=timezone.now())
    attempt.worth_retrying = True
    started = time.monotonic()
    try:
        attempt.status_code, attempt.response_excerpt = send(delivery)
        attempt.succeeded = 200 <= attempt.status_code < 300
    except addresses.RefusedAddress as exc:
        attempt.error, attempt.worth_retrying = f"Not sent: {exc}", False
    except (OSError, http.client.HTTPException) as exc:
        attempt.error = describe_failure(exc)
    attempt.seconds = round(time.monotonic() - started, 3)
    attempt.save()
    return attempt


def send(delivery):
    parts, port, address = addresses.resolve(delivery.endpoint.url)
    body = request_body(delivery)
    connection_class = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address, settings.WEBHOOK_TIMEOUT)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Receipts-Event": delivery.event,
        "Receipts-Delivery": str(delivery.pk),
        signing.HEADER: signing.signature_header(delivery.endpoint.secret, body),
    }
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, body, headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
        return response.status, excerpt
    finally:
        connection.close()


def describe_failure(exc):
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"The receiver did not answer within {settings.WEBHOOK_TIMEOUT:g} seconds."
    if isinstance(exc, ConnectionRefusedError):
        return "The receiver refused the connection."
    if isinstance(exc, ssl.SSLError):
        return f"The receiver's TLS certificate was not accepted ({exc.reason or exc})."
    return f"The request failed: {exc}."
