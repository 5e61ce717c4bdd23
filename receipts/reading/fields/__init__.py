"""Turn the text of a receipt into fields: merchant, address, date, amounts and items.

Pure functions on text, so a wrong total is fixed here with a test on a few lines of
text. Each field carries a confidence in [0, 1] so uncertain receipts go to review.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from receipts.reading.fields.dates import dates_in_line, find_date
from receipts.reading.fields.header import find_header, find_receipt_number
from receipts.reading.fields.money import AMOUNT_RE, detect_currency, find_amounts
from receipts.reading.fields.totals import find_totals, line_role
from receipts.reading.layout import Line, text_lines
from receipts.reading.locales import detect_locale

KEY_FIELDS = ("merchant", "date", "total")
REVIEW_THRESHOLD = 0.5
TRAILING_QUANTITY_RE = re.compile(r"\s(\d{1,3}(?:\.\d{1,3})?)\s*$")
QUANTITY_RE = re.compile(r"(?<![\d.])(?P<qty>\d{1,3})\s*[xX@*]\s*(?:[A-Z]{0,3}\s?)?(?=\d)")


@dataclass
class LineItem:
    description: str
    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal | None


@dataclass
class Fields:
    merchant: str = ""
    address: str = ""
    date: datetime.date | None = None
    total: Decimal | None = None
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    currency: str = ""
    line_items: list[LineItem] = field(default_factory=list)
    receipt_number: str = ""
    confidence: dict[str, float] = field(default_factory=dict)
    # The engine each field was read by ("tesseract", "rapidocr", "pdf-text").
    provenance: dict[str, str] = field(default_factory=dict)
    locale: str = ""
    # How sure OCR was of the line a field was read from, where that can reveal a misread.
    line_conf: dict[str, float] = field(default_factory=dict)
    # Why each key field's confidence is what it is (see reading.confidence).
    evidence: dict[str, str] = field(default_factory=dict)
    # Below this a key field needs a person's look: the rules' own scores until the
    # confidence is calibrated (reading.confidence), which raises it.
    review_below: float = REVIEW_THRESHOLD

    @property
    def needs_review(self) -> bool:
        """A person should check it: a key field is missing or the reading is unsure."""
        for name in KEY_FIELDS:
            if not getattr(self, name) or self.confidence.get(name, 0.0) < self.review_below:
                return True
        # A currency read but doubted (signs that disagree with the country) is worth a look too.
        return bool(self.currency) and self.confidence.get("currency", 1.0) < REVIEW_THRESHOLD


def extract_fields(lines: list[Line], locale: str = "") -> Fields:
    """Fields of a receipt from its lines, in reading order, using their OCR confidences."""
    scored = [(line.text, line.conf) for line in lines]
    return _extract(scored, [line.weakest for line in lines], locale)


def extract_fields_from_text(text: str, locale: str = "") -> Fields:
    """Fields from plain text, one receipt line per line of text."""
    return extract_fields(text_lines(text), locale)


def _extract(scored: list[tuple[str, float]], weakest: list[float], locale: str) -> Fields:
    texts = [text for text, _ in scored]
    fields = Fields()
    text = "\n".join(texts)
    locale = detect_locale(text, locale)
    fields.locale = locale.code
    fields.currency, currency_conf = detect_currency(text, locale)
    header = find_header(texts, [conf for _, conf in scored], locale)
    fields.merchant, fields.address = header.merchant, header.address
    found_date = find_date(texts, locale.month_first)
    fields.date = found_date.value if found_date else None
    totals = find_totals(scored)
    fields.total, fields.subtotal, fields.tax = (
        totals.total,
        totals.subtotal,
        totals.tax,
    )
    fields.receipt_number, number_conf = find_receipt_number(texts)
    fields.line_items = find_line_items(texts)
    fields.confidence = {
        "merchant": _with_ocr(header.merchant_conf, weakest, header.merchant_end),
        "address": header.address_conf,
        "date": found_date.conf if found_date else 0.0,
        "total": totals.total_conf,
        "subtotal": totals.subtotal_conf,
        "tax": totals.tax_conf,
        "currency": currency_conf,
        "receipt_number": number_conf,
        "line_items": 0.5 if fields.line_items else 0.0,
    }
    fields.confidence = {name: round(value, 2) for name, value in fields.confidence.items()}
    if found_date:
        # A misread digit turns 2018 into 2016 and still makes a date: the OCR's own
        # doubt about the line is the only sign of it.
        fields.line_conf["date"] = round(scored[found_date.index][1], 2)
    return fields


def _with_ocr(conf: float, line_confs: list[float], index: int) -> float:
    """Scale a rule's confidence by how sure the OCR was of that line."""
    if index < 0 or index >= len(line_confs):
        return conf
    return round(conf * line_confs[index] ** 0.5, 2)


def find_line_items(lines: list[str]) -> list[LineItem]:
    """Purchased items: unlabelled lines with an amount, after the date, before the totals."""
    items: list[LineItem] = []
    start = next((i + 1 for i, line in enumerate(lines) if dates_in_line(line)), 0)
    for index in range(start, len(lines)):
        line = lines[index]
        role = line_role(line)
        if role in ("total", "subtotal", "paid", "change", "rounding"):
            if items:
                break
            continue
        amounts = find_amounts(line)
        if role or not amounts:
            continue
        item = _line_item(line, amounts, lines[index - 1] if index else "")
        if item:
            items.append(item)
    return items


def _line_item(line: str, amounts: list[Decimal], previous: str) -> LineItem | None:
    first = AMOUNT_RE.search(line)
    description = line[: first.start()].strip(" :-*") if first else ""
    quantity = None
    qty_match = QUANTITY_RE.search(line)
    if qty_match:
        quantity = Decimal(qty_match.group("qty"))
        description = line[: qty_match.start()].strip(" :-*")
    elif trailing := TRAILING_QUANTITY_RE.search(description):
        # "Plastic 2 15.50 31.00": a small count just before the prices.
        quantity = Decimal(trailing.group(1))
        description = description[: trailing.start()].strip()
    if sum(ch.isalpha() for ch in description) < 2:
        # The name is on the line above ("CHOPPING BOARD" / "1 X 19.00 19.00").
        description = previous.strip() if line_role(previous) == "" else ""
    if not description:
        return None
    if quantity is not None and quantity <= 0:
        quantity = None
    unit_price = amounts[-2] if len(amounts) >= 2 else None
    if unit_price is None and quantity:
        unit_price = (amounts[-1] / quantity).quantize(Decimal("0.01"))
    return LineItem(description, quantity, unit_price, amounts[-1])
