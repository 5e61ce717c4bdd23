"""Reading money amounts and currencies out of single receipt lines.

OCR of thermal receipts often turns the decimal point into a comma or adds a space
around it ("33,92", "37. 55"), so amounts are recognised by their two-digit cents.
"""

import re
from decimal import Decimal

from receipts.reading.locales import Locale

CENTS = Decimal("0.01")

# An amount always has two decimals here: "12.50", "1,234.50", "33,92", "37. 55"; a rate
# ("19,00 %") is not an amount.
AMOUNT_RE = re.compile(
    r"(?<![\d.,:])(?P<minus>-\s?(?:[A-Z]{1,3}\s?)?)?"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d{1,7})\s?[.,]\s?(?P<cents>\d{2})(?![.,/:-]?\d)(?!\s?%)"
)
# Space in place of the point ("64 13") or no point at all ("5142", "-001"): accepted
# only at the end of a line whose label says it holds money. Digits before a point are
# the whole part, not cents: "343." lost its cents.
SPACED_AMOUNT_RE = re.compile(
    r"(?<![\d.,])(?P<minus>-)?(?:(?P<whole>\d{1,5}) |(?P<short>\d{1,4}))(?P<cents>\d{2})"
    r"\s*[^\w.,]?$"
)

CURRENCY_SIGNS = [
    (re.compile(r"\bMYR\b|\bRM\s?\d|\bRM\b|\(RM\)"), "MYR"),
    (re.compile(r"€|\bEUR(?=\b|\d)"), "EUR"),
    (re.compile(r"£|\bGBP\b"), "GBP"),
    (re.compile(r"\bSGD\b|\bS\$"), "SGD"),
    (re.compile(r"\bUSD\b|\bUS\$"), "USD"),
    (re.compile(r"\bAUD\b|\bA\$"), "AUD"),
    (re.compile(r"\bCAD\b|\bC\$"), "CAD"),
    (re.compile(r"₹|\bINR\b"), "INR"),
    (re.compile(r"¥|\bJPY\b"), "JPY"),
    (re.compile(r"\$"), "USD"),
]
def find_amounts(line: str, *, allow_spaced: bool = False) -> list[Decimal]:
    """All amounts on a line, left to right, each rounded to cents."""
    amounts = []
    for match in AMOUNT_RE.finditer(line):
        amounts.append(_to_decimal(match))
    if not amounts and allow_spaced:
        match = SPACED_AMOUNT_RE.search(line)
        if match:
            amounts.append(_to_decimal(match))
    return amounts


def _to_decimal(match: re.Match) -> Decimal:
    whole = (match.group("whole") or match.groupdict().get("short") or "").replace(",", "")
    value = Decimal(f"{whole}.{match.group('cents')}").quantize(CENTS)
    minus = match.groupdict().get("minus")
    return -value if minus else value


def parse_amount(text: str) -> Decimal | None:
    """The last amount in a piece of text, or None (used for labels and tests)."""
    amounts = find_amounts(text, allow_spaced=True)
    return amounts[-1] if amounts else None


def detect_currency(text: str, locale: Locale) -> tuple[str, float]:
    """ISO code of the receipt's currency and how sure we are of it.

    A printed sign or code decides; a bare "$" is the local dollar where the receipt's
    locale has one of its own (Malaysian receipts print it for ringgit); with no sign at
    all the locale's own currency is assumed, less surely.
    """
    counts: dict[str, int] = {}
    for pattern, code in CURRENCY_SIGNS:
        found = len(pattern.findall(text))
        if found and code not in counts:
            counts[code] = found
    if not counts:
        return (locale.currency, 0.5) if locale.currency else ("", 0.0)
    code = max(counts, key=counts.get)
    if locale.currency and code != locale.currency:
        if code == "USD" and "USD" not in text.upper():
            # "$" marks other dollars too, and on some receipts the local money.
            return locale.currency, 0.6
        if counts[code] == 1:
            # One foreign sign on a receipt of another country is more likely an item code
            # ("£8318") than the money it is paid in: the country's own, for a person to check.
            return locale.currency, 0.4
    return code, 0.9 if counts[code] > 1 else 0.75
