"""Key-field confidence is the measured accuracy of the evidence behind the value."""

import datetime
from decimal import Decimal

from receipts.reading.confidence import ACCURACY, REVIEW_BELOW, calibrate
from receipts.reading.fields import Fields, extract_fields_from_text

CONFIRMED = "\n".join(
    ["PINE CORNER GROCER LTD", "14 ORCHARD LANE", "DATE 23/02/2022 10:15", "BREAD 3.20", "TOTAL 3.20", "CASH 5.00",
     "CHANGE 1.80"]
)  # fmt: skip


def test_a_total_confirmed_by_cash_and_change_is_as_sure_as_such_totals_are_right():
    fields = extract_fields_from_text(CONFIRMED)
    calibrate(fields)
    assert fields.evidence == {"merchant": "checked", "date": "checked", "total": "checked"}
    assert fields.confidence["total"] == ACCURACY["total"]["checked"] >= 0.95
    assert fields.needs_review is False


def test_two_engines_reading_the_same_value_are_surest():
    fields = extract_fields_from_text(CONFIRMED)
    fields.provenance["total"] = "rapidocr+tesseract"
    calibrate(fields)
    assert (fields.evidence["total"], fields.confidence["total"]) == ("agreed", ACCURACY["total"]["agreed"])


def test_a_total_that_fails_its_check_sends_the_receipt_to_review():
    fields = Fields(merchant="PINE CORNER GROCER LTD", date=datetime.date(2022, 2, 3), total=Decimal("19.00"),
                    subtotal=Decimal("10.00"), tax=Decimal("0.60"),
                    confidence={"merchant": 0.85, "date": 0.95, "total": 0.9})  # fmt: skip
    calibrate(fields)
    assert fields.evidence["total"] == "doubted"
    assert fields.confidence["total"] < REVIEW_BELOW
    assert fields.needs_review is True


def test_a_missing_field_has_no_confidence():
    fields = extract_fields_from_text("PINE CORNER GROCER LTD\nTHANK YOU")
    calibrate(fields)
    assert (fields.confidence["total"], fields.evidence["total"], fields.needs_review) == (0.0, "", True)
