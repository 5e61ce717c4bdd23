"""Cache keys for enhancement results, and the per-user corrections they depend on.

Corrections are stored in the database (MerchantCorrection); the cache (Redis) only keeps
copies of them and the enhancement results, so a Redis restart forgets nothing. A result's key
names all it depends on: the enhancer and its version, the user (their history and corrections
take part), their corrections' generation, the normalised merchant and a hash of the text the
enhancer reads. A correction changes the user's generation, so their older results are not found.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from receipts.enhance.merchants import normalise_merchant
from receipts.models import MerchantCorrection

NOT_TAUGHT = {}  # cached for a merchant the user never corrected, so the database is asked once


def learned_merchant_key(user_id, printed):
    digest = hashlib.sha256(printed.encode()).hexdigest()[:32]
    return f"enhance:learned:{user_id}:{digest}"


def generation_key(user_id):
    return f"enhance:generation:{user_id}"


def learn_from_correction(user_id, raw_merchant, merchant, category=""):
    """Remember a person's correction of a merchant (and its category) for their next receipts."""
    printed = normalise_merchant(raw_merchant)[:255]
    if not printed:
        return
    MerchantCorrection.objects.update_or_create(
        user_id=user_id, printed=printed, defaults={"merchant": merchant[:255], "category": category}
    )
    cache.delete_many([learned_merchant_key(user_id, printed), generation_key(user_id)])


def learned_merchant(user_id, raw_merchant):
    """What this user taught us about this merchant, or None."""
    printed = normalise_merchant(raw_merchant)[:255]
    if not printed:
        return None
    key = learned_merchant_key(user_id, printed)
    taught = cache.get(key)
    if taught is None:
        row = MerchantCorrection.objects.filter(user_id=user_id, printed=printed).first()
        taught = {"merchant": row.merchant, "category": row.category} if row else NOT_TAUGHT
        cache.set(key, taught, settings.RECEIPTS_ENHANCE_CACHE_SECONDS)
    return taught or None


def correction_generation(user_id):
    """Changes whenever the user corrects a merchant: the time of their latest correction."""
    key = generation_key(user_id)
    generation = cache.get(key)
    if generation is None:
        latest = MerchantCorrection.objects.filter(user_id=user_id).aggregate(latest=Max("updated_at"))["latest"]
        generation = int(latest.timestamp() * 1_000_000) if latest else 0
        cache.set(key, generation, settings.RECEIPTS_ENHANCE_CACHE_SECONDS)
    return generation


def result_key(enhancer, user_id, raw_merchant, text):
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    merchant = normalise_merchant(raw_merchant)[:64] or "-"
    generation = correction_generation(user_id)
    return f"enhance:result:{enhancer.cache_name}:{user_id}:{generation}:{merchant}:{digest}"
