"""A postcode's first digit made to agree with the state its address names."""

import pytest

from receipts.reading.fields import extract_fields_from_text
from receipts.reading.locales.malaysia_postcodes import repair_postcode, repair_state_name


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("Tampoi, 41200 Johor Bahru, Johor", "Tampoi, 81200 Johor Bahru, Johor"),
        ("Tampoi,$1200 Johor Bahru, Johor", "Tampoi,81200 Johor Bahru, Johor"),
        ("PERMAS JAYA 91750 PLENTONG, JOHOR.", "PERMAS JAYA 81750 PLENTONG, JOHOR."),
        ("LOT 2811, 31150 KLANG, SELANGOR", "LOT 2811, 41150 KLANG, SELANGOR"),
        ("JALAN AMPANG, 80450 KUALA  LUMPUR", "JALAN AMPANG, 50450 KUALA  LUMPUR"),
    ],
)
def test_first_digit_outside_the_state_is_repaired(read, repaired):
    assert repair_postcode(read) == repaired


@pytest.mark.parametrize(
    "address",
    [
        "NO 4, 45600 BESTARI JAYA, KUALA SELANGOR.",  # already in Selangor's range
        "LOT 12345, 81200 JOHOR BAHRU",  # the postcode fits; the lot number is not one
        "12 HIGH STREET 40170 TOWN",  # no state named
        "JALAN 2, 99999 SELANGOR",  # no single first digit fits: left as read
    ],
)
def test_postcode_that_fits_or_cannot_be_placed_is_left_alone(address):
    assert repair_postcode(address) == address


def test_a_malaysian_address_has_its_postcode_repaired():
    text = "KEDAI RIANG SDN BHD\n12, Jalan Merbau 3, Kawasan Merbau,\n41200 Johor Bahru, Johor\nTEL 07"
    assert extract_fields_from_text(text).address == (
        "12, Jalan Merbau 3, Kawasan Merbau, 81200 Johor Bahru, Johor"
    )


def test_postcode_repair_is_left_to_malaysian_receipts():
    text = "KEDAI RIANG SDN BHD\n12, Jalan Merbau 3, Kawasan Merbau,\n41200 Johor Bahru, Johor\nTEL 07"
    assert extract_fields_from_text(text, locale="UK").address == (
        "12, Jalan Merbau 3, Kawasan Merbau, 41200 Johor Bahru, Johor"
    )


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("12, Jalan Merbau 3,81200 Jahor Bahru,Johor", "12, Jalan Merbau 3,81200 Johor Bahru,Johor"),
        ("NO 8, JALAN MAWAR, 41050 KLANG SELANCOR", "NO 8, JALAN MAWAR, 41050 KLANG SELANGOR"),
        ("JALAN AMPANG, 50450 KUALA LUMPAR", "JALAN AMPANG, 50450 KUALA LUMPUR"),
    ],
)
def test_a_state_name_one_letter_off_the_postcodes_state_is_repaired(read, repaired):
    assert repair_state_name(read) == repaired


@pytest.mark.parametrize(
    "address",
    [
        "JALAN SUNGAI, 45200 SABAK BERNAM, SELANGOR",  # Sabak is a Selangor town, not Sabah
        "LEBUH PANTAI, 10300 GEORGE TOWN, PULAU PINANG",  # Pinang is one letter from Penang
        "12 HIGH STREET, JAHOR",  # no postcode to name the state
        "JALAN 2, 81200 JOHORE",  # a different length is not one swapped letter
    ],
)
def test_words_that_are_not_a_misread_state_name_are_left_alone(address):
    assert repair_state_name(address) == address
