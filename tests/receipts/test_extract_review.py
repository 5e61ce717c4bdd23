"""Confidence per field and the needs_review flag."""

from receipts.reading.fields import Fields, extract_fields, extract_fields_from_text
from receipts.reading.layout import Segment, line_from_segments

GOOD = """CORNER BAKERY SDN BHD
12 JALAN MAWAR, 50450 KUALA LUMPUR
TEL: 03-1234 5678
DATE: 14/11/2021 10:15
ROTI CANAI 2 x 2.50 5.00
TEH TARIK 3.00
SUBTOTAL 8.00
SST 6% 0.48
ROUNDING 0.02
TOTAL RM 8.50
CASH RM 10.00
CHANGE RM 1.50
"""


def test_clear_receipt_does_not_need_review():
    fields = extract_fields_from_text(GOOD)
    assert fields.needs_review is False
    assert all(0.0 <= value <= 1.0 for value in fields.confidence.values())
    assert fields.confidence["total"] >= 0.8


def test_missing_total_needs_review():
    fields = extract_fields_from_text("CORNER BAKERY SDN BHD\nDATE: 14/11/2021\n")
    assert fields.needs_review is True


def test_low_confidence_key_field_needs_review():
    fields = Fields(merchant="SHOP", total=None, confidence={"merchant": 0.2})
    assert fields.needs_review is True


def test_line_items_carry_quantity_unit_price_and_amount():
    items = extract_fields_from_text(GOOD).line_items
    assert [item.description for item in items] == ["ROTI CANAI", "TEH TARIK"]
    assert str(items[0].quantity) == "2"
    assert str(items[0].unit_price) == "2.50"
    assert str(items[0].amount) == "5.00"
    assert items[1].quantity is None
    assert str(items[1].amount) == "3.00"


def test_receipt_number_is_read():
    text = "SHOP SDN BHD\nReceipt No.: CS2202/31975 Date: 17/02/2022\nTOTAL 4.00"
    assert extract_fields_from_text(text).receipt_number == "CS2202/31975"


def test_line_item_with_a_decimal_quantity_before_its_prices():
    text = "SHOP SDN BHD\nDate: 09/08/2022\n(C07) LEMON BARLEY 2.0 2.40 4.80\nTOTAL 4.80\n"
    (item,) = extract_fields_from_text(text).line_items
    assert item.description == "(C07) LEMON BARLEY"
    assert str(item.quantity) == "2.0"
    assert str(item.unit_price) == "2.40"
    assert str(item.amount) == "4.80"


def test_address_numbers_above_the_date_are_not_line_items():
    text = "SHOP SDN BHD\nNO.8, 61 & 63, JALAN 21.50\nDate: 09/08/2022\nTEA 3.00\nTOTAL 3.00\n"
    items = extract_fields_from_text(text).line_items
    assert [item.description for item in items] == ["TEA"]


def ocr_of(lines: list[list[tuple[str, float]]]):
    """Lines as an OCR engine gives them, built from (word, confidence in percent)."""
    return [
        line_from_segments(
            [
                Segment(text, conf / 100, (10 * i, 20 * n, 10 * i + 9, 20 * n + 10))
                for i, (text, conf) in enumerate(line)
            ],
            page=0,
        )
        for n, line in enumerate(lines)
    ]


def test_merchant_with_a_doubtful_word_sends_the_receipt_to_review():
    lines = [
        [("MAPLE", 95), ("CRAFT", 93), ("&", 90), ("GARDEN", 94), ("BTORE", 20)],
        [("DATE:", 95), ("04/07/2021", 92)],
        [("TOTAL", 96), ("41.20", 95)],
        [("CASH", 96), ("50.00", 95)],
        [("CHANGE", 96), ("8.80", 95)],
    ]
    fields = extract_fields(ocr_of(lines))
    assert fields.merchant == "MAPLE CRAFT & GARDEN BTORE"
    assert fields.confidence["merchant"] < 0.5
    assert fields.needs_review is True


def test_clearly_read_receipt_from_ocr_does_not_need_review():
    lines = [
        [("MAPLE", 95), ("CRAFT", 93), ("TRADING", 94)],
        [("DATE:", 95), ("04/07/2021", 92)],
        [("TOTAL", 96), ("41.20", 95)],
        [("CASH", 96), ("50.00", 95)],
        [("CHANGE", 96), ("8.80", 95)],
    ]
    fields = extract_fields(ocr_of(lines))
    assert (fields.merchant, str(fields.total)) == ("MAPLE CRAFT TRADING", "41.20")
    assert fields.needs_review is False
