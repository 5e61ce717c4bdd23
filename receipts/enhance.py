"""The enhancement step after extraction: canonical merchant names and spending categories.

What a user corrects is remembered in the cache (Django's Redis backend), keyed by the user and
the merchant name as it was read, so the next receipt from that merchant comes out right.
"""

import re

from django.core.cache import cache

STORE_NUMBER = re.compile(r"(#|NO\.?\s*|STORE\s*)\d+\b", re.IGNORECASE)


def normalise_merchant(name):
    """Fold the ways one merchant is printed ("WAL-MART #1234", "Wal Mart") into one key."""
    name = STORE_NUMBER.sub(" ", name or "")
    return re.sub(r"[^A-Z0-9]+", "", name.upper())


def learned_merchant_key(user_id, raw_merchant):
    return f"enhance:learned:{user_id}:{normalise_merchant(raw_merchant)}"


def learn_from_correction(user_id, raw_merchant, merchant, category=""):
    """Remember a person's correction of a merchant (and its category) for their next receipts."""
    if not normalise_merchant(raw_merchant):
        return
    cache.set(learned_merchant_key(user_id, raw_merchant), {"merchant": merchant, "category": category}, None)


def learned_merchant(user_id, raw_merchant):
    """What this user taught us about this merchant, or None."""
    if not normalise_merchant(raw_merchant):
        return None
    return cache.get(learned_merchant_key(user_id, raw_merchant))
