"""Cache keys for enhancement results, and the per-user corrections they depend on.

Everything lives in Django's cache (Redis). A result's key names all it depends on: the
enhancer and its version, the user (their history and corrections take part), the normalised
merchant and a hash of the text the enhancer reads. A correction bumps the user's generation,
so their older results are no longer found.
"""

import hashlib

from django.core.cache import cache

from receipts.enhance.merchants import normalise_merchant


def learned_merchant_key(user_id, raw_merchant):
    return f"enhance:learned:{user_id}:{normalise_merchant(raw_merchant)}"


def generation_key(user_id):
    return f"enhance:generation:{user_id}"


def learn_from_correction(user_id, raw_merchant, merchant, category=""):
    """Remember a person's correction of a merchant (and its category) for their next receipts."""
    if not normalise_merchant(raw_merchant):
        return
    cache.set(learned_merchant_key(user_id, raw_merchant), {"merchant": merchant, "category": category}, None)
    cache.add(generation_key(user_id), 0, None)
    cache.incr(generation_key(user_id))


def learned_merchant(user_id, raw_merchant):
    """What this user taught us about this merchant, or None."""
    if not normalise_merchant(raw_merchant):
        return None
    return cache.get(learned_merchant_key(user_id, raw_merchant))


def result_key(enhancer, user_id, raw_merchant, text):
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    merchant = normalise_merchant(raw_merchant)[:64] or "-"
    generation = cache.get(generation_key(user_id), 0)
    return f"enhance:result:{enhancer.cache_name}:{user_id}:{generation}:{merchant}:{digest}"
