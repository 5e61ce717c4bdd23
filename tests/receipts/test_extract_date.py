"""Dates in the formats receipts print, with day/month order settled sensibly."""

import datetime

import pytest

from receipts.reading.fields import extract_fields_from_text


def date_of(text: str) -> datetime.date | None:
    return extract_fields_from_text(text).date


@pytest.mark.parametrize(
    "printed",
    [
        "14/11/2021",
        "14.11.21",
        "14-11-2021",
        "2021-11-14",
        "14-Nov-2021",
        "14 NOV 2021",
        "Nov 14, 2021",
        "November 14 2021",
        "14/11/21",
    ],
)
def test_date_formats(printed):
    assert date_of(f"SHOP\nDate: {printed} 10:15\nTOTAL 1.00") == datetime.date(2021, 11, 14)


def test_ringgit_receipt_reads_day_first():
    assert date_of("TOTAL RM 5.00\n03/04/2018") == datetime.date(2018, 4, 3)


def test_dollar_receipt_reads_month_first():
    assert date_of("TOTAL $5.00\nVISA $5.00\n03/04/2018") == datetime.date(2018, 3, 4)


def test_a_part_above_twelve_settles_the_order():
    assert date_of("TOTAL RM 5.00\n12/27/2020") == datetime.date(2020, 12, 27)


def test_labelled_date_wins_over_other_numbers_that_look_like_dates():
    text = "ITEM 01-02-03 1.00\nDATE: 16/05/2022\nTOTAL 1.00"
    assert date_of(text) == datetime.date(2022, 5, 16)


def test_date_after_a_bogus_match_is_still_found():
    assert date_of("ORD #61 -REG #17- 17/02/2022 11:41:09") == datetime.date(2022, 2, 17)


def test_ocr_slip_in_the_year_is_repaired():
    assert date_of("Date 14/11/7021") == datetime.date(2021, 11, 14)


def test_date_printed_with_the_time_of_sale_wins_over_another_date():
    text = "TAX INV 004-7730021 21/05/19\nTOTAL 31.40\n20/05/21 10:12 #004-77300219"
    assert date_of(text) == datetime.date(2021, 5, 20)


def test_no_date_gives_none():
    fields = extract_fields_from_text("SHOP\nTOTAL 1.00")
    assert fields.date is None
    assert fields.confidence["date"] == 0.0
