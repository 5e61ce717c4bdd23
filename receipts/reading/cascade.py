"""When a second engine reads, and which engine's reading each field keeps.

A field is doubted when it is missing or fails a check a person would make: a total that
disagrees with its subtotal and tax, a date outside the years receipts are sent from, a
shop name read with low confidence. Each group of fields keeps the reading that passes its
check, the surer one when both or neither do; two engines reading the same value are
surer than either alone.
"""

import copy
import datetime
from decimal import Decimal

from receipts.reading.fields import Fields

# Fields that move together: a total is only as good as the subtotal and tax beside it.
GROUPS = {
    "merchant": ("merchant",),
    "address": ("address",),
    "date": ("date",),
    "total": ("total", "subtotal", "tax"),
    "currency": ("currency",),
    "receipt_number": ("receipt_number",),
    "line_items": ("line_items",),
}
CHECKED = ("merchant", "date", "total")
# Below these a rule's own confidence says its pick was a guess (see the fields package).
MIN_MERCHANT_CONF = 0.5
MIN_TOTAL_CONF = 0.6
# Below this OCR confidence in a date's line, a digit of it is likely misread (2016 for
# 2018) even when the date is a plausible one.
MIN_DATE_LINE_CONF = 0.8
# Receipts are sent within a few years of being printed, and not from the future.
OLDEST_YEARS = 15
TOLERANCE = Decimal("0.05")


def doubts(fields: Fields, today: datetime.date | None = None) -> list[str]:
    """The key fields that fail their check, so another engine should read the page."""
    return [name for name in CHECKED if not passes(fields, name, today)]


def passes(fields: Fields, name: str, today: datetime.date | None = None) -> bool:
    conf = fields.confidence.get(name, 0.0)
    if name == "merchant":
        return bool(fields.merchant) and conf >= MIN_MERCHANT_CONF
    if name == "date":
        today = today or datetime.date.today()
        return (
            fields.date is not None
            and fields.line_conf.get("date", 1.0) >= MIN_DATE_LINE_CONF
            and today.year - OLDEST_YEARS <= fields.date.year
            and fields.date <= today + datetime.timedelta(days=1)
        )
    if name == "total":
        if fields.total is None or conf < MIN_TOTAL_CONF:
            return False
        if fields.subtotal is not None and fields.tax is not None:
            parts = fields.subtotal + fields.tax
            # Tax may be included in the subtotal already (VAT receipts) or added to it.
            return abs(parts - fields.total) <= TOLERANCE or abs(fields.subtotal - fields.total) <= TOLERANCE
        return True
    return bool(getattr(fields, name))


def choose_fields(readings: list) -> tuple[Fields, str]:
    """Per group of fields, the reading that checks out best; and the text of the main one."""
    if len(readings) == 1:
        return copy.deepcopy(readings[0].fields), readings[0].text
    chosen = Fields()
    wins: dict[str, int] = {}
    for group, names in GROUPS.items():
        best = max(readings, key=lambda reading: _score(reading.fields, group))
        wins[best.engine] = wins.get(best.engine, 0) + 1
        for name in names:
            setattr(chosen, name, getattr(best.fields, name))
            if name in best.fields.confidence:
                chosen.confidence[name] = best.fields.confidence[name]
                chosen.provenance[name] = best.engine
        if _agreed(readings, group):
            chosen.provenance[group] = "+".join(reading.engine for reading in readings)
    chosen.locale = max(readings, key=lambda reading: _score(reading.fields, "currency")).fields.locale
    main = max(readings, key=lambda reading: wins.get(reading.engine, 0))
    return chosen, main.text


def _score(fields: Fields, group: str) -> float:
    """Passing the check counts first, then the rule's confidence."""
    value = getattr(fields, group)
    if value in (None, "", []):
        return -1.0
    return (1.0 if passes(fields, group) else 0.0) + fields.confidence.get(group, 0.0)


def _agreed(readings: list, group: str) -> bool:
    values = [getattr(reading.fields, group) for reading in readings]
    if values[0] in (None, "", []):
        return False
    if isinstance(values[0], str):
        return len({" ".join(value.split()).casefold() for value in values}) == 1
    return all(value == values[0] for value in values)
