"""Amounts typed by a person and shown on the pages: each currency's decimal mark and minor units."""

from decimal import Decimal

import pytest

from receipts.money import AmountError, format_money, is_currency, parse_amount


@pytest.mark.parametrize(
    ("typed", "currency", "expected"),
    [
        ("80,90", "EUR", "80.90"),
        ("80,90", "MYR", "80.90"),
        ("80.9", "EUR", "80.90"),
        ("1.234,56", "EUR", "1234.56"),
        ("1,234.56", "USD", "1234.56"),
        ("1.234", "EUR", "1234.00"),
        ("1,234", "MYR", "1234.00"),
        ("12 345,60", "EUR", "12345.60"),
        ("1500", "JPY", "1500"),
        ("-3,10", "EUR", "-3.10"),
    ],
)
def test_an_amount_is_read_with_the_receipts_decimal_mark(typed, currency, expected):
    assert parse_amount(typed, currency) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "currency", "message"),
    [
        ("abc", "EUR", "Enter an amount in numbers, such as 12.50 or 12,50."),
        ("12,5x", "EUR", "Enter an amount in numbers, such as 12.50 or 12,50."),
        ("1.234", "USD", "Use at most 2 digits after the decimal separator for USD."),
        ("15.5", "JPY", "JPY amounts have no decimals."),
        ("1,23,4", "USD", "Write thousands in groups of three, such as 1,234.56 or 1.234,56."),
    ],
)
def test_an_amount_that_cannot_be_read_is_refused_with_a_sentence(typed, currency, message):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed, currency)
    assert str(refused.value) == message


def test_an_empty_amount_is_none():
    assert parse_amount("  ", "EUR") is None


def test_money_is_shown_with_its_currencys_minor_units():
    assert format_money(Decimal("10.1200000000000"), "EUR") == "10.12 EUR"
    assert format_money(Decimal("11108.1100000000"), "MYR") == "11108.11 MYR"
    assert format_money(Decimal("1500.00"), "JPY") == "1500 JPY"
    assert format_money(Decimal("2.5"), "KWD") == "2.500 KWD"
    assert format_money(Decimal("7.5"), "") == "7.50"
    assert format_money(None, "EUR") == ""


def test_only_iso_4217_codes_are_currencies():
    assert is_currency("EUR") and is_currency("MYR")
    assert not is_currency("ABC") and not is_currency("eur")
