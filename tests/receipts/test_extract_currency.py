"""Currency from symbols and codes."""

import pytest

from receipts.reading.fields import extract_fields_from_text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("TOTAL RM 12.50", "MYR"),
        ("TOTAL MYR 12.50", "MYR"),
        ("TOTAL $12.50\nVISA $12.50", "USD"),
        ("TOTAL €12,50", "EUR"),
        ("TOTAL £12.50", "GBP"),
        ("TOTAL 12.50 EUR", "EUR"),
    ],
)
def test_currency_is_detected(text, code):
    assert extract_fields_from_text(text).currency == code


def test_dollar_sign_on_a_malaysian_receipt_means_ringgit():
    text = "SHOP SDN BHD\nJALAN BESAR\nTOTAL $8.20"
    assert extract_fields_from_text(text).currency == "MYR"


def test_no_currency_marks_leaves_it_empty():
    assert extract_fields_from_text("TOTAL 12.50").currency == ""


def test_german_receipt_whose_euro_sign_was_not_read_is_in_euros():
    text = "ROYAL CAFE GMBH\nSUNRISESTRASSE 106\nMWST 19% 17.76\nTOTAL ele 22\n"
    assert extract_fields_from_text(text).currency == "EUR"


def test_receipt_without_sign_or_country_words_has_no_currency():
    assert extract_fields_from_text("CORNER SHOP\nTOTAL 12.00\n").currency == ""


def test_one_foreign_sign_on_a_malaysian_receipt_is_ringgit_to_be_checked():
    text = "KEDAI BUKU MAJU SDN BHD\nJALAN MERDEKA 12\nITEM £8318 PENSEL 2B\nTOTAL 8.90\n"

    fields = extract_fields_from_text(text)

    assert fields.currency == "MYR"
    assert fields.confidence["currency"] < 0.5
    assert fields.needs_review is True
