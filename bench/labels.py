"""Labels and how a value read is compared with them.

Totals compare as numbers, dates as days, text with case and whitespace folded: labels and
print differ in spacing ("BAHRU,JOHOR" against "BAHRU, JOHOR"), not in what they say.
"""

import datetime
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from receipts.reading.fields.dates import dates_in_line
from receipts.reading.fields.money import find_amounts

CONTENT_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
    ".tif": "image/tiff", ".tiff": "image/tiff", ".heic": "image/heic", ".pdf": "application/pdf",
}  # fmt: skip
FIELDS = ("total", "date", "company", "address", "currency")
# The label's name for each field against the reader's.
READ_AS = {"total": "total", "date": "date", "company": "merchant", "address": "address", "currency": "currency"}


def read_label(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text())


def check_fields(label: dict, fields, texts: list[str]) -> dict:
    """Per labelled field: right or not, what was read, and whether any engine read the value."""
    checks = {}
    for name in FIELDS:
        if not label.get(name):
            continue
        got = getattr(fields, READ_AS[name])
        checks[name] = {
            "ok": same_value(name, label[name], got),
            "got": got,
            "conf": fields.confidence.get(READ_AS[name], 0.0),
            "in_text": any(in_text(name, label[name], text) for text in texts),
        }
    return checks


def in_text(name: str, expected: str, text: str) -> bool:
    """Whether OCR read the labelled value at all, so a miss can be blamed on OCR or rules."""
    lines = text.splitlines()
    if name == "total":
        wanted = as_number(expected)
        return any(wanted in find_amounts(line, allow_spaced=True) for line in lines)
    if name == "date":
        wanted = label_dates(expected)
        return any(
            value in wanted
            for line in lines
            for month_first in (False, True)
            for value, _ in dates_in_line(line, month_first=month_first)
        )
    if name == "currency":
        return True
    return fold(expected) in fold(text)


def same_value(name: str, expected: str, got) -> bool:
    if name == "total":
        return got is not None and as_number(expected) == got
    if name == "date":
        return got is not None and got in label_dates(expected)
    return fold(expected) == fold(str(got or ""))


def fold(text: str) -> str:
    return "".join(text.split()).casefold()


def as_number(text: str) -> Decimal | None:
    cleaned = "".join(ch for ch in text if ch.isdigit() or ch in ".-")
    try:
        return Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def label_dates(text: str) -> set[datetime.date]:
    """The day a label means: ISO, or day first unless a part above 12 says otherwise."""
    try:
        return {datetime.date.fromisoformat(text)}
    except ValueError:
        return {value for value, _ in dates_in_line(text, month_first=False)}
