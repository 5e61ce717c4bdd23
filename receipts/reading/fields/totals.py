"""Finding the total, subtotal and tax of a receipt from its labelled lines.

Each line is given a role by its label (total, subtotal, tax, rounding, paid, change).
Candidates for the total are then scored by label strength and by how well they agree
with the rest of the receipt: subtotal + tax, paid - change, and repeated amounts.
"""

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from receipts.reading.fields.money import find_amounts

ZERO = Decimal("0.00")

# OCR often mangles "TOTAL" on thermal paper: "TOTA", "T0TAL", "TOTAI".
TOTAL_WORD = r"T[O0QA]T[A4]L?[L1I]?"
ROLE_PATTERNS = [
    # Labels in English, Malay, German and French, the languages of the locales read.
    ("change", r"\bCHANGE\b|\bCHG\b|\bBAKI\b|\bKEMBALI|\bR[UÜ]E?CKGELD\b|\bRENDU\b|\bMONNAIE\b"),
    ("rounding", r"\bROUND(?:ING|ED)?\b.*\bADJ|\bROUNDING\b|\bADJUSTMENT\b|\bRND\b"),
    (
        "subtotal",
        (
            rf"\bSUB[\s\-.]*{TOTAL_WORD}|\bSUB\s*[1I]\s*:?\s*[A4]L|{TOTAL_WORD}\b.*\bEXCL"
            r"|\bNET\s+AMOUNT\b.*\bEXCL|\bTOTAL\s+SALES\s*\(EXCL"
            r"|\bZWISCHENSUMME\b|\bSOUS[\s\-]*TOTAL\b|\bTOTAL\s+HT\b|\bNETTO\b"
        ),
    ),
    ("discount", r"\bDISC(?:OUNT)?\b|\bSAVINGS?\b|\bVOUCHER\b"),
    # A count of goods, not money; OCR reads "Qty" as "Oty" and "Items" as "Itens".
    (
        "count",
        rf"{TOTAL_WORD}\s*(?:[QO0]TY|QUANTITY|ITE[MN]S?|PCS|UNITS?)\b|\bITEMS?\s*:|\bQTY\b",
    ),
    ("charge", r"\bSERVICE\s+CH|\bSVC\b|\bTIPS?\b"),
    ("tax", rf"{TOTAL_WORD}\s*(?:G\.?S\.?T|S\.?S\.?T|VAT|TAX)\b"),
    # "Total Sales (Inclusive of GST)": a total that mentions the tax it includes.
    ("total", rf"\b{TOTAL_WORD}\b"),
    ("tax", r"\bG\.?S\.?T\b|\bS\.?S\.?T\b|\bVAT\b|\bTAX\b|\bMWST\b|\bUST\b|\bTVA\b"),
    (
        "total",
        (
            rf"\b{TOTAL_WORD}\b|\bAMOUNT\s+DUE\b|\bBALANCE\s+DUE\b|\bAMT\s+DUE\b|\bPAYABLE\b"
            rf"|\bNET[T]?\s+AMOUNT\b|\bGRAND\b|\bJUMLAH\b|{TOTAL_WORD}\s*:|\bTL\s*:"
            r"|\bSUMME\b|\bGESAMT(?:BETRAG)?\b|\bZU\s+ZAHLEN\b|\bTTC\b|\b[AÀ]\s+PAYER\b"
        ),
    ),
    (
        "paid",
        (
            r"\bCASH\b|\bTENDER(?:ED)?\b|\bPAID\b|\bPAYMENT\b|\bVISA\b|\bMASTER\s*CARD\b"
            r"|\bCREDIT\s*CARD\b|\bDEBIT\b|\bCARD\b|\bRECEIVED\b"
            r"|\bBAR\b|\bGEGEBEN\b|\bEC[\s\-]*KARTE\b|\bGIROCARD\b|\bESP[EÈ]CES\b|\bCARTE\b|\bCB\b"
        ),
    ),
]
COMPILED_ROLES = [(role, re.compile(pattern, re.IGNORECASE)) for role, pattern in ROLE_PATTERNS]
# Labels that make a "total" line the final amount due rather than an intermediate sum.
STRONG_TOTAL_RE = re.compile(
    r"\bGRAND\b|\bROUNDED\b|\bNET[T]?\b|\bDUE\b|\bPAYABLE\b|\bINCL|\bINCLUSIVE\b",
    re.IGNORECASE,
)
# Lines of the tax summary table or of headers: they name a tax but hold no tax total.
NOT_TAX_RE = re.compile(
    r"\bGST\s*(?:ID|REG|NO|SUMMARY)|\bTAX\s*INVOICE\b|\bSUMMARY\b|\bREG\b|\bCODE\b",
    re.IGNORECASE,
)


# The tax summary table under the totals repeats sums ("Total 80.91 0.00") that are not
# the amount due.
SUMMARY_RE = re.compile(r"\bSUMMARY\b|\bTAX\s*CODE\b|\bANALYSIS\b", re.IGNORECASE)
# An amount at the end of a total line with its cents lost or cut short: "TOTAL 343.".
PARTIAL_AMOUNT_RE = re.compile(r"(?<![\d.,])(?P<whole>\d{1,7})[.,](?P<cents>\d?)\W?$")
# Labels whose line holds money, where OCR's lost decimal points are worth repairing.
MONEY_ROLES = {"total", "subtotal", "tax", "rounding", "paid", "change", "discount"}


@dataclass
class AmountLine:
    index: int
    text: str
    role: str
    amounts: list[Decimal]
    conf: float
    # What is left of an amount whose cents were lost: "343." or "174.9".
    partial: str = ""


@dataclass
class Totals:
    total: Decimal | None = None
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    total_conf: float = 0.0
    subtotal_conf: float = 0.0
    tax_conf: float = 0.0


def line_role(text: str) -> str:
    """The role of a line from its label: total, subtotal, tax, paid, change, or ""."""
    for role, pattern in COMPILED_ROLES:
        if pattern.search(text):
            if role == "tax" and NOT_TAX_RE.search(text):
                continue
            return role
    return ""


def amount_lines(lines: list[tuple[str, float]]) -> list[AmountLine]:
    """Lines with a label role or an amount; totals in a tax summary table are marked."""
    found = []
    summary_from = next(
        (i for i, (text, _) in enumerate(lines) if SUMMARY_RE.search(text)), len(lines)
    )
    for index, (text, conf) in enumerate(lines):
        role = line_role(text)
        amounts = find_amounts(text, allow_spaced=role in MONEY_ROLES)
        if role == "total" and index > summary_from:
            role = "summary"
        partial = ""
        if role == "total" and not amounts:
            match = PARTIAL_AMOUNT_RE.search(text)
            partial = f"{match['whole']}.{match['cents']}" if match else ""
        if amounts or role:
            found.append(AmountLine(index, text, role, amounts, conf, partial))
    return found


def find_totals(lines: list[tuple[str, float]]) -> Totals:
    """Total, subtotal and tax of the receipt, each with a confidence in [0, 1]."""
    labelled = amount_lines(lines)
    totals = Totals()
    subtotal_line = _first_with_amount(labelled, "subtotal")
    if subtotal_line:
        totals.subtotal = subtotal_line.amounts[-1]
        totals.subtotal_conf = 0.8
    tax_line = _tax_line(labelled)
    if tax_line:
        totals.tax = tax_line.amounts[-1]
        totals.tax_conf = 0.7
    totals.total, totals.total_conf = _choose_total(labelled, totals)
    return totals


def _first_with_amount(labelled: list[AmountLine], role: str) -> AmountLine | None:
    return next((line for line in labelled if line.role == role and line.amounts), None)


def _tax_line(labelled: list[AmountLine]) -> AmountLine | None:
    """The tax total: a "total tax"/"GST" line, preferring one that says TOTAL."""
    lines = [line for line in labelled if line.role == "tax" and line.amounts]
    named_total = [line for line in lines if re.search(TOTAL_WORD, line.text, re.IGNORECASE)]
    return (named_total or lines or [None])[0]


def _choose_total(labelled: list[AmountLine], totals: Totals) -> tuple[Decimal | None, float]:
    scores = _candidate_scores(labelled, totals)
    if not scores:
        return _fallback_total(labelled)
    best = max(scores, key=lambda value: (scores[value], value))
    return best, min(1.0, 0.35 + 0.12 * scores[best])


def _candidate_scores(labelled: list[AmountLine], totals: Totals) -> dict[Decimal, float]:
    """Score every amount that sits on a total line, then reward agreement."""
    scores: dict[Decimal, float] = {}
    rounding_index = next((ln.index for ln in labelled if ln.role == "rounding"), None)
    for line in labelled:
        if line.role != "total" or not line.amounts:
            continue
        value = line.amounts[-1]
        if value <= ZERO or (totals.subtotal is not None and value < totals.subtotal / 2):
            # Far below the subtotal: a misread, or a sum of something else.
            continue
        score = _label_score(line, rounding_index)
        scores[value] = max(scores.get(value, 0.0), score) + (0.5 if value in scores else 0)
    agreement = _agreement_bonuses(labelled, totals)
    label_scores = dict(scores)
    for value, bonus in agreement.items():
        if value in scores:
            scores[value] += bonus
        elif bonus >= 2.0:
            scores[value] = bonus
    for line in labelled:
        # "TOTAL 343." and a sum of parts of 343.95: the label vouches for the sum.
        if not line.partial:
            continue
        label_score = _label_score(line, rounding_index)
        for value, bonus in agreement.items():
            if value > ZERO and f"{value:.2f}".startswith(line.partial):
                scores[value] = max(scores.get(value, 0.0), label_score + bonus)
    _repair_misread_digit(scores, label_scores, agreement, _sum_of_parts(labelled, totals))
    paid = _first_with_amount(labelled, "paid")
    change = _first_with_amount(labelled, "change")
    if paid and change and paid.amounts[-1] > change.amounts[-1] > ZERO:
        # Change was given, so the cash handed over covered the total: an amount above
        # it is a misread ("57.10" for 37.10 paid with 50.00, change 12.90).
        scores = {value: score for value, score in scores.items() if value <= paid.amounts[-1]}
    return scores


def _label_score(line: AmountLine, rounding_index: int | None) -> float:
    """How strongly a total line's label says it holds the amount due."""
    score = 2.0 + (1.5 if STRONG_TOTAL_RE.search(line.text) else 0.0)
    if rounding_index is not None and line.index > rounding_index:
        score += 1.5
    return score + 0.5 * line.conf


def _sum_of_parts(labelled: list[AmountLine], totals: Totals) -> Decimal | None:
    """Subtotal + service charge + tax + rounding, when the receipt prints the parts."""
    if totals.subtotal is None or totals.tax is None:
        return None
    extras = [_first_with_amount(labelled, role) for role in ("charge", "rounding")]
    return totals.subtotal + totals.tax + sum(line.amounts[-1] for line in extras if line)


# Agreement from at least two other readings (paid - change and the tax table's row,
# say) that an amount is the total.
CONFIRMED = 3.0


def _repair_misread_digit(scores, label_scores, agreement, parts_sum) -> None:
    """Prefer a confirmed amount over a labelled total one misread digit away from it.

    Faint thermal print turns 5 into 6 or 1 into 4; when subtotal, tax and rounding add
    up to an amount that differs from an unconfirmed total in one digit, or two other
    readings agree on such an amount, they are more likely right than the one.
    """
    implied = {value for value, bonus in agreement.items() if bonus >= CONFIRMED}
    if parts_sum is not None:
        implied.add(parts_sum)
    for target in implied:
        if target <= ZERO or target in label_scores:
            continue
        for value, label_score in label_scores.items():
            if agreement.get(value, 0.0) == 0.0 and _one_digit_apart(value, target):
                scores[target] = max(scores.get(target, 0.0), label_score + 1.0)


def _one_digit_apart(a: Decimal, b: Decimal) -> bool:
    text_a, text_b = f"{a:.2f}", f"{b:.2f}"
    if len(text_a) != len(text_b):
        return False
    return sum(x != y for x, y in zip(text_a, text_b, strict=True)) == 1


def _agreement_bonuses(labelled: list[AmountLine], totals: Totals) -> dict[Decimal, float]:
    """Amounts that other lines imply the total should be."""
    bonuses: Counter = Counter()
    paid = _first_with_amount(labelled, "paid")
    change = _first_with_amount(labelled, "change")
    rounding = _first_with_amount(labelled, "rounding")
    counts = Counter(value for line in labelled for value in line.amounts if value > ZERO)
    if paid and change and paid.amounts[-1] > change.amounts[-1]:
        implied = paid.amounts[-1] - abs(change.amounts[-1])
        # Confirmed when the amount is also printed on a line other than paid/change.
        printed = counts[implied] > (implied == paid.amounts[-1])
        bonuses[implied] += 3.0 if printed else 2.0
    if paid and not change:
        bonuses[paid.amounts[-1]] += 0.75
    parts_sum = _sum_of_parts(labelled, totals)
    if parts_sum is not None:
        # Printed as well as implied: a total whose label OCR could not read.
        bonuses[parts_sum] += 2.0 if counts[parts_sum] else 1.5
    if rounding:
        # A total printed before the rounding line or in the summary table, plus the
        # rounding, gives the amount due.
        for before in _sums_before_rounding(labelled, rounding.index):
            bonuses[before + rounding.amounts[-1]] += 1.5
    for line in labelled:
        if len(line.amounts) != 2:
            continue
        before_tax, tax = line.amounts
        # The tax table's total row: amount before tax and the tax on it. Without the
        # table's heading, a total line is taken as that row only when its amounts look it.
        if line.role == "summary" or (line.role == "total" and ZERO < tax < before_tax):
            bonuses[before_tax + tax] += 1.5
    for value, count in counts.items():
        if count > 1:
            bonuses[value] += 0.4 * min(count - 1, 3)
    return bonuses


def _sums_before_rounding(labelled: list[AmountLine], rounding_index: int) -> set[Decimal]:
    """Amounts the rounding is applied to: earlier totals and the summary's sums."""
    return {
        value
        for line in labelled
        if line.role == "summary" or (line.role == "total" and line.index < rounding_index)
        for value in line.amounts
        if value > ZERO
    }


def _fallback_total(labelled: list[AmountLine]) -> tuple[Decimal | None, float]:
    """No total line was readable: take paid - change, else the largest plain amount."""
    paid = _first_with_amount(labelled, "paid")
    change = _first_with_amount(labelled, "change")
    if paid and change and paid.amounts[-1] >= abs(change.amounts[-1]):
        return paid.amounts[-1] - abs(change.amounts[-1]), 0.5
    plain = [v for ln in labelled if ln.role in ("", "paid") for v in ln.amounts if v > ZERO]
    if plain:
        return max(plain), 0.2
    return None, 0.0
