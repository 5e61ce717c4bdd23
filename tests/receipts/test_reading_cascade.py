"""The cascade: a second engine reads only when a key field fails its check, and each
field keeps the reading that checks out best."""

import datetime
from decimal import Decimal

from receipts.reading import EngineReading, run_cascade
from receipts.reading.cascade import choose_fields, doubts
from receipts.reading.engines import EngineRun
from receipts.reading.fields import Fields, extract_fields_from_text
from receipts.reading.layout import text_lines

CLEAR = "PINE CORNER GROCER LTD\n14 ORCHARD LANE\n03/02/2022 10:15\nBREAD 3.20\nTOTAL 3.20\nCASH 5.00\nCHANGE 1.80"


def reading(engine, text):
    return EngineReading(engine, text_lines(text), extract_fields_from_text(text), EngineRun(engine, 1.0, 1.0))


def test_a_receipt_whose_key_fields_pass_is_not_doubted():
    assert doubts(extract_fields_from_text(CLEAR)) == []


def test_missing_or_implausible_fields_are_doubted():
    fields = Fields(merchant="SHOP", date=datetime.date(1995, 1, 1), total=None, confidence={"merchant": 0.9})
    assert doubts(fields, today=datetime.date(2024, 1, 1)) == ["date", "total"]


def test_a_total_that_disagrees_with_its_subtotal_and_tax_is_doubted():
    fields = Fields(merchant="SHOP", date=datetime.date(2022, 1, 1), total=Decimal("19.00"),
                    subtotal=Decimal("10.00"), tax=Decimal("0.60"),
                    confidence={"merchant": 0.9, "total": 0.9})  # fmt: skip
    assert doubts(fields, today=datetime.date(2024, 1, 1)) == ["total"]


def test_the_second_engine_reads_only_when_the_first_is_doubted():
    asked = []

    def read_one(engine):
        asked.append(engine)
        return reading(engine, CLEAR)

    assert [r.engine for r in run_cascade(("tesseract", "rapidocr"), read_one)] == ["tesseract"]
    assert asked == ["tesseract"]


def test_each_field_keeps_the_engine_that_read_it_right():
    smudged = CLEAR.replace("3.20", "3.?0").replace("1.80", "1.?0").replace("03/02/2022", "03/0?/20??")
    chosen, _ = choose_fields([reading("tesseract", smudged), reading("rapidocr", CLEAR)])
    assert (str(chosen.total), chosen.date) == ("3.20", datetime.date(2022, 2, 3))
    assert chosen.provenance["total"] == "rapidocr"
    assert chosen.provenance["date"] == "rapidocr"
    # Both engines read the same name: it says so.
    assert chosen.merchant == "PINE CORNER GROCER LTD"
    assert chosen.provenance["merchant"] == "tesseract+rapidocr"
