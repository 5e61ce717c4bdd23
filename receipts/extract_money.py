"""Reading money amounts and currencies out of single receipt lines.

OCR of thermal receipts often turns the decimal point into a comma or adds a space
around it ("33,92", "37. 55"), so amounts are recognised by their two-digit cents.
"""

import re
from decimal import Decimal

CENTS = Decimal("0.01")

# An amount always has two decimals here: "12.50", "1,234.50", "33,92", "37. 55".
AMOUNT_RE = re.compile(
    r"(?<![\d.,:])(?P<minus>-\s?(?:[A-Z]{1,3}\s?)?)?"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d{1,7})\s?[.,]\s?(?P<cents>\d{2})(?![.,/:-]?\d)"
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
# Words that place a receipt in Malaysia even when amounts carry a bare "$".
MALAYSIA_RE = re.compile(
    r"\bS[DO0]N\.?\s?B[HN]D\b|\bJALAN\b|\bJLN\b|\bTAMAN\b|\bSELANGOR\b|\bJOHOR\b"
    r"|\bKUALA LUMPUR\b|\bGST (?:ID|REG)",
    re.IGNORECASE,
)


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


# German and French tax and company words: Mehrwertsteuer, GmbH, Straße, TVA.
EUROZONE_RE = re.compile(r"\bMWST\b|\bGMBH\b|STRA(?:SS|ß)E\b|\bTVA\b|\bUST\b", re.IGNORECASE)


def parse_amount(text: str) -> Decimal | None:
    """The last amount in a piece of text, or None (used for labels and tests)."""
    amounts = find_amounts(text, allow_spaced=True)
    return amounts[-1] if amounts else None


def detect_currency(text: str) -> tuple[str, float]:
    """ISO code of the receipt's currency and how sure we are of it."""
    counts: dict[str, int] = {}
    for pattern, code in CURRENCY_SIGNS:
        found = len(pattern.findall(text))
        if found and code not in counts:
            counts[code] = found
    if counts.get("USD") and not counts.get("MYR") and MALAYSIA_RE.search(text):
        # Malaysian receipts sometimes print "$" for ringgit.
        return "MYR", 0.6
    if not counts:
        # No sign was read: the country's own words say which money it is.
        if MALAYSIA_RE.search(text):
            return "MYR", 0.5
        return ("EUR", 0.5) if EUROZONE_RE.search(text) else ("", 0.0)
    code = max(counts, key=counts.get)
    if code != "MYR" and counts[code] == 1 and MALAYSIA_RE.search(text):
        # One foreign sign on a Malaysian receipt is more likely an item code ("£8318") than the
        # money it is paid in: ringgit, for a person to check.
        return "MYR", 0.4
    return code, 0.9 if counts[code] > 1 else 0.75
