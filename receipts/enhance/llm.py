"""The optional enhancer: an OpenAI-compatible chat endpoint reads the receipt text.

Its answer must be a JSON object with a merchant and a known category; anything else (no JSON,
wrong types, missing keys, an HTTP error, a timeout) keeps the local result, with the reason.
"""

import datetime
import http.client
import json
import re
import urllib.error
import urllib.request
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.conf import settings

from receipts.enhance.categories import CATEGORIES
from receipts.enhance.enhancement import Enhancement
from receipts.enhance.local import LocalEnhancer
from receipts.enhance.merchants import canonical_merchant

MAX_TEXT = 8000
MAX_ANSWER_BYTES = 1_000_000
INSTRUCTIONS = (
    "You read shop receipts. Answer with one JSON object and nothing else, with these keys: "
    '"merchant": the shop\'s usual name without store numbers or legal suffixes '
    '(for example "Walmart" for "WAL-MART #1234"); '
    f'"category": one of {", ".join(CATEGORIES)}; '
    '"date": the purchase date as YYYY-MM-DD, or null; '
    '"total": the amount paid as a number, or null.'
)
FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.I)


class UnusableAnswer(Exception):
    """The model's answer cannot be used; the message says why, in a sentence."""


class LlmEnhancer:
    name = "llm"
    version = 1

    def __init__(self):
        self.local = LocalEnhancer()

    @property
    def cache_name(self):
        return f"{self.name}-v{self.version}-{settings.RECEIPTS_LLM_MODEL}"

    def relevant_text(self, fields, ocr_text):
        return ocr_text or ""

    def enhance(self, fields, *, user_id, ocr_text):
        local = self.local.enhance(fields, user_id=user_id, ocr_text=ocr_text)
        if local.taught:  # the person's own correction beats any model
            return local
        try:
            answer = parse_answer(ask_model(prompt(fields, ocr_text)))
        except UnusableAnswer as exc:
            return replace(local, fallback=f"{exc} The local result was kept.")
        return Enhancement(
            merchant=canonical_merchant(answer["merchant"]),
            category=answer["category"],
            source=self.name,
            computed_by=self.name,
            second_reading={
                "date": answer["date"].isoformat() if answer["date"] else None,
                "total": str(answer["total"]) if answer["total"] is not None else None,
            },
        )


def prompt(fields, ocr_text):
    text = (ocr_text or "")[:MAX_TEXT]
    return [
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": f"Merchant as read: {fields.merchant or 'unknown'}\n\nReceipt text:\n{text}"},
    ]


def endpoint():
    base = settings.RECEIPTS_LLM_URL.rstrip("/")
    return f"{base.removesuffix('/v1')}/v1/chat/completions"


def ask_model(messages):
    """POST the chat completion and return the reply's text."""
    timeout = settings.RECEIPTS_LLM_TIMEOUT
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if settings.RECEIPTS_LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.RECEIPTS_LLM_API_KEY}"
    body = json.dumps({"model": settings.RECEIPTS_LLM_MODEL, "messages": messages, "temperature": 0})
    request = urllib.request.Request(endpoint(), data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read(MAX_ANSWER_BYTES))
    except urllib.error.HTTPError as exc:
        raise UnusableAnswer(f"The language model answered HTTP {exc.code}.") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise UnusableAnswer(f"The language model did not answer within {timeout:g} seconds.") from exc
        raise UnusableAnswer(f"The language model could not be reached ({exc.reason}).") from exc
    except TimeoutError as exc:
        raise UnusableAnswer(f"The language model did not answer within {timeout:g} seconds.") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise UnusableAnswer(f"The connection to the language model failed ({exc}).") from exc
    except ValueError as exc:
        raise UnusableAnswer("The language model's reply was not JSON.") from exc
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise UnusableAnswer("The language model's reply was not a chat completion.") from exc
    if not isinstance(content, str):
        raise UnusableAnswer("The language model's reply had no text.")
    return content


def parse_answer(content):
    """The answer as {merchant, category, date, total}, or UnusableAnswer saying what is wrong."""
    try:
        answer = json.loads(FENCE.sub("", content.strip()))
    except ValueError:
        raise UnusableAnswer("The language model did not answer with JSON.") from None
    if not isinstance(answer, dict):
        raise UnusableAnswer("The language model's answer was not a JSON object.")
    missing = [key for key in ("merchant", "category") if key not in answer]
    if missing:
        raise UnusableAnswer(f"The language model's answer lacks {' and '.join(missing)}.")
    merchant, category = answer["merchant"], answer["category"]
    if not isinstance(merchant, str) or not merchant.strip():
        raise UnusableAnswer("The language model's merchant was not a name.")
    if not isinstance(category, str) or category.strip().lower() not in CATEGORIES:
        raise UnusableAnswer(f"The language model's category {category!r} is not one we know.")
    return {
        "merchant": merchant.strip(),
        "category": category.strip().lower(),
        "date": answer_date(answer.get("date")),
        "total": answer_total(answer.get("total")),
    }


def answer_date(value):
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise UnusableAnswer(f"The language model's date {value!r} is not a YYYY-MM-DD date.") from None


def answer_total(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise UnusableAnswer(f"The language model's total {value!r} was not a number.")
    try:
        return Decimal(str(value).replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise UnusableAnswer(f"The language model's total {value!r} was not a number.") from None
