"""OCR text -> receipt fields. Pure functions, unit-tested on text."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class LineItem:
    description: str
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None


@dataclass
class Fields:
    merchant: str = ""
    address: str = ""
    date: datetime.date | None = None
    total: Decimal | None = None
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    currency: str = ""
    line_items: list = field(default_factory=list)
    receipt_number: str = ""
    confidence: dict = field(default_factory=dict)

    @property
    def needs_review(self):
        return any(self.confidence.get(name, 0) < 0.5 for name in ("merchant", "date", "total"))


AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})*\.\d{2})")
TOTAL = re.compile(r"^(?!.*sub).*\btotal\b", re.I)
DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b")


def extract_fields(ocr):
    return extract_fields_from_text(ocr.text)


def extract_fields_from_text(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    fields = Fields()
    if lines:
        fields.merchant = lines[0]
        fields.confidence["merchant"] = 0.5
    for line in lines:
        if TOTAL.search(line) and (match := AMOUNT.search(line)):
            fields.total = Decimal(match.group(1).replace(",", ""))
            fields.confidence["total"] = 0.7
            break
    for line in lines:
        if match := DATE.search(line):
            day, month, year = (int(part) for part in match.groups())
            year += 2000 if year < 100 else 0
            try:
                fields.date = datetime.date(year, month, day)
                fields.confidence["date"] = 0.6
                break
            except ValueError:
                continue
    if "$" in text:
        fields.currency = "USD"
    elif "RM" in text:
        fields.currency = "MYR"
    return fields
