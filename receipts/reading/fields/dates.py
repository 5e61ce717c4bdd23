"""Finding the date of a receipt in the many ways receipts print it.

Numeric dates are ambiguous ("03/04/2018"); a part above 12 settles the order, and
otherwise the locale decides: month first in the US, day first everywhere else.
"""

import datetime
import re
from dataclasses import dataclass

MONTHS = {
    "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
    "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
}  # fmt: skip
MONTH = r"(?P<mon>JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEPT?|OCT|NOV|DEC)[A-Z]*\.?"
NUMERIC_DMY = re.compile(
    r"(?<![\dA-Z.])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?!\d)"
)
NUMERIC_YMD = re.compile(
    r"(?<![\dA-Z.])(?P<y>(?:19|20)\d{2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<a>\d{1,2})(?!\d)"
)
DAY_MONTH_NAME = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:ST|ND|RD|TH)?[\s\-/.,]*{MONTH}[\s\-/.,]*(?P<y>\d{{4}}|\d{{2}})(?!\d)",
    re.IGNORECASE,
)
MONTH_NAME_DAY = re.compile(
    rf"\b{MONTH}[\s\-/.]*(?P<d>\d{{1,2}})(?:ST|ND|RD|TH)?,?[\s\-/.]*(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
TIME_RE = re.compile(r"\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:AM|PM)?\b", re.IGNORECASE)
DATE_LABEL_RE = re.compile(r"\bDATE\b|\bTARIKH\b|\bDATED\b|\bD[A4]T[E3]\s*:", re.IGNORECASE)
EARLIEST_YEAR, LATEST_YEAR = 1990, 2040
# Digits OCR commonly mistakes for others on receipts, most likely first.
DIGIT_CONFUSIONS = {"7": "12", "1": "7", "0": "86", "8": "036", "6": "085", "3": "8", "5": "6"}


@dataclass
class FoundDate:
    value: datetime.date
    conf: float
    index: int  # the line it was read on


def find_date(lines: list[str], month_first: bool = False) -> FoundDate | None:
    """The receipt's date: the first date on a line labelled DATE, else the first date."""
    candidates = []
    for index, line in enumerate(lines):
        for value, certain in dates_in_line(line, month_first=month_first):
            labelled = bool(DATE_LABEL_RE.search(line))
            # The transaction date is usually printed with the time of sale.
            timed = bool(TIME_RE.search(line))
            score = 2 * labelled + certain + timed - index * 0.01
            candidates.append((score, value, labelled, certain, index))
    if not candidates:
        return None
    score, value, labelled, certain, index = max(candidates, key=lambda c: c[0])
    conf = 0.6 + (0.2 if labelled else 0) + (0.15 if certain else 0)
    return FoundDate(value, round(conf, 2), index)


def dates_in_line(line: str, *, month_first: bool = False) -> list[tuple[datetime.date, bool]]:
    """Every plausible date on a line, each with whether its day/month order is certain."""
    found = []
    text = line.upper()
    for match in DAY_MONTH_NAME.finditer(text):
        found.append(_named(match))
    for match in MONTH_NAME_DAY.finditer(text):
        found.append(_named(match))
    for match in _overlapping(NUMERIC_YMD, text):
        found.append(_numeric(match, year_first=True, month_first=False))
    for match in _overlapping(NUMERIC_DMY, text):
        found.append(_numeric(match, year_first=False, month_first=month_first))
    return [item for item in found if item is not None]


def _overlapping(pattern: re.Pattern, text: str):
    """Every match, including ones that start inside an earlier (perhaps bogus) match.

    "#19- 18/01/2018" must still yield 18/01/2018 after "19- 18" fails as a date.
    """
    position = 0
    while match := pattern.search(text, position):
        yield match
        position = match.start() + 1


def _named(match: re.Match) -> tuple[datetime.date, bool] | None:
    month = MONTHS[match.group("mon")[:3].upper()]
    value = _make_date(_year(match.group("y")), month, int(match.group("d")))
    return (value, True) if value else None


def _numeric(match: re.Match, *, year_first: bool, month_first: bool):
    a, b = int(match.group("a")), int(match.group("b"))
    year = _year(match.group("y"))
    if year_first:
        value = _make_date(year, b, a)
        return (value, True) if value else None
    if a > 12 or b > 12:
        day, month = (a, b) if a > 12 else (b, a)
        value = _make_date(year, month, day)
        return (value, True) if value else None
    day, month = (b, a) if month_first else (a, b)
    value = _make_date(year, month, day)
    return (value, a == b) if value else None


def _year(text: str) -> int:
    """Four-digit year; two digits mean 20xx, and OCR slips like 7018 or 2078 are repaired."""
    year = int(text)
    if len(text) == 2:
        return 2000 + year if 2000 + year <= LATEST_YEAR else 1900 + year
    if EARLIEST_YEAR <= year <= LATEST_YEAR:
        return year
    for position, digit in enumerate(text):
        for replacement in DIGIT_CONFUSIONS.get(digit, ""):
            repaired = int(text[:position] + replacement + text[position + 1 :])
            if EARLIEST_YEAR <= repaired <= LATEST_YEAR:
                return repaired
    return year


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
