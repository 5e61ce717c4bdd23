"""Signatures in the style of Stripe's: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret.

Header: `Receipts-Signature: t=1764434400,v1=5257a869...`. A receiver recomputes v1 from the
raw body and refuses a timestamp older than a few minutes, so a captured request cannot be
replayed later.
"""

import hashlib
import hmac
import time

HEADER = "Receipts-Signature"
TOLERANCE_SECONDS = 300


def sign(secret, timestamp, body):
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret, body, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify(secret, body, header, tolerance=TOLERANCE_SECONDS, now=None):
    """True when `header` signs `body` with `secret` and is recent: what a receiver runs."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), parts.get("v1", ""))
