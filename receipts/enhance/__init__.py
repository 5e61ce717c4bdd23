"""The enhancement step after extraction: a canonical merchant name and a spending category.

`enhance(fields, user_id=..., ocr_text=...)` asks the enhancer chosen by RECEIPTS_ENHANCER
("local" rules and the user's own history, or "llm" for an OpenAI-compatible endpoint) and
keeps the answer in Django's cache, so common merchants and repeated texts are not worked out
twice. What a user corrects is remembered per user and wins over everything else.
"""

from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from receipts.enhance.caching import learn_from_correction, learned_merchant, result_key
from receipts.enhance.categories import CATEGORIES, guess_category
from receipts.enhance.enhancement import Enhancement
from receipts.enhance.llm import LlmEnhancer
from receipts.enhance.local import LocalEnhancer
from receipts.enhance.merchants import canonical_merchant, normalise_merchant

ENHANCERS = {"local": LocalEnhancer, "llm": LlmEnhancer}

__all__ = [
    "CATEGORIES", "ENHANCERS", "Enhancement", "canonical_merchant", "enhance", "get_enhancer",
    "guess_category", "learn_from_correction", "learned_merchant", "normalise_merchant", "prewarm",
]


def get_enhancer(name=None):
    """The enhancer named by RECEIPTS_ENHANCER (or `name`)."""
    name = name or settings.RECEIPTS_ENHANCER
    if name not in ENHANCERS:
        raise ImproperlyConfigured(f"RECEIPTS_ENHANCER is {name!r}; choose one of {', '.join(ENHANCERS)}.")
    if name == "llm" and not settings.RECEIPTS_LLM_URL:
        raise ImproperlyConfigured("RECEIPTS_ENHANCER is 'llm' but RECEIPTS_LLM_URL is not set.")
    return ENHANCERS[name]()


def enhance(fields, *, user_id, ocr_text, enhancer=None):
    """The canonical merchant and category for extracted `fields`, from the cache when known."""
    enhancer = enhancer or get_enhancer()
    key = result_key(enhancer, user_id, fields.merchant, enhancer.relevant_text(fields, ocr_text))
    result = Enhancement.from_cache(cache.get(key))
    if result is None:
        result = compute_and_store(enhancer, key, fields, user_id=user_id, ocr_text=ocr_text)
    result.mismatches = mismatches(fields, result.second_reading)
    return result


def prewarm(fields, *, user_id, ocr_text, enhancer=None):
    """Work out and cache one result unless it is cached already; True when an entry was written."""
    enhancer = enhancer or get_enhancer()
    key = result_key(enhancer, user_id, fields.merchant, enhancer.relevant_text(fields, ocr_text))
    if Enhancement.from_cache(cache.get(key)) is not None:
        return False
    return not compute_and_store(enhancer, key, fields, user_id=user_id, ocr_text=ocr_text).fallback


def compute_and_store(enhancer, key, fields, *, user_id, ocr_text):
    result = enhancer.enhance(fields, user_id=user_id, ocr_text=ocr_text)
    if not result.fallback:  # a fallback is not the enhancer's answer: ask again next time
        cache.set(key, result.cache_entry(), settings.RECEIPTS_ENHANCE_CACHE_SECONDS)
    return result


def mismatches(fields, second_reading):
    """The date and total a second reader found differently from extraction (worth a person's look)."""
    found = {}
    date, total = second_reading.get("date"), second_reading.get("total")
    if date and fields.date and date != fields.date.isoformat():
        found["date"] = {"read": fields.date.isoformat(), "llm": date}
    if total is not None and fields.total is not None and Decimal(total) != fields.total:
        found["total"] = {"read": str(fields.total), "llm": total}
    return found
