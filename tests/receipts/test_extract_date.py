"""Dates in the formats receipts print, with day/month order settled sensibly."""

import datetime

import pytest

from receipts.reading.fields import extract_fields_from_text


def date_of(text: str) -> datetime.date | None:
    return extract_fields_from_text(text).date


@pytest.mark.parametrize(
    "printed",
    [
        "25/12/2018",
        "25.12.18",
        "25-12-2018",
        "2018-12-25",
        "25-Dec-2018",
        "25 DEC 2018",
        "Dec 25, 2018",
        "December 25 2018",
        "25/12/18",
    ],
)
def test_date_formats(printed):
    assert date_of(f"SHOP\nDate: {printed} 10:15\nTOTAL 1.00") == datetime.date(2018, 12, 25)


def test_ringgit_receipt_reads_day_first():
    assert date_of("TOTAL RM 5.00\n03/04/2018") == datetime.date(2018, 4, 3)


def test_dollar_receipt_reads_month_first():
    assert date_of("TOTAL $5.00\nVISA $5.00\n03/04/2018") == datetime.date(2018, 3, 4)


def test_a_part_above_twelve_settles_the_order():
    assert date_of("TOTAL RM 5.00\n12/28/2017") == datetime.date(2017, 12, 28)


def test_labelled_date_wins_over_other_numbers_that_look_like_dates():
    text = "ITEM 01-02-03 1.00\nDATE: 15/03/2018\nTOTAL 1.00"
    assert date_of(text) == datetime.date(2018, 3, 15)


def test_date_after_a_bogus_match_is_still_found():
    assert date_of("ORD #50 -REG #19- 18/01/2018 10:27:03") == datetime.date(2018, 1, 18)


def test_ocr_slip_in_the_year_is_repaired():
    assert date_of("Date 25/12/7018") == datetime.date(2018, 12, 25)


def test_date_printed_with_the_time_of_sale_wins_over_another_date():
    text = "TAX INV 002-1550040 19/03/16\nTOTAL 28.60\n18/03/18 09:03 #002-15500408"
    assert date_of(text) == datetime.date(2018, 3, 18)


def test_no_date_gives_none():
    fields = extract_fields_from_text("SHOP\nTOTAL 1.00")
    assert fields.date is None
    assert fields.confidence["date"] == 0.0
