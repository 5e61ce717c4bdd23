"""Amounts as people write and read them: ISO 4217 codes, each currency's minor units, and
numbers typed with a decimal comma or point. Pure functions; Babel holds the currency tables.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision, list_currencies

CURRENCIES = frozenset(list_currencies())
# Currencies whose receipts are usually printed with a decimal comma (1.234,56).
DECIMAL_COMMA_CURRENCIES = frozenset(
    "EUR BRL ARS CLP COP IDR VND TRY DKK NOK SEK ISK PLN CZK HUF RON BGN RSD UAH RUB ZAR".split()
)


class AmountError(ValueError):
    """A typed amount that cannot be read; the message is a sentence for the person who typed it."""


def is_currency(code):
    return code in CURRENCIES


def minor_units(currency):
    """Digits after the point for this currency (2 when unknown or not read)."""
    return get_currency_precision(currency) if currency in CURRENCIES else 2


def quantize(amount, currency):
    if amount is None:
        return None
    return Decimal(amount).quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def format_money(amount, currency):
    """"10.12 EUR", "1500 JPY", "11108.11" when the currency was not read."""
    if amount is None:
        return ""
    shown = f"{quantize(amount, currency):f}"
    return f"{shown} {currency}" if currency else shown


def parse_amount(text, currency=""):
    """Read "80,90", "1.234,56", "1,234.56" or "80.9" as a Decimal with the currency's minor units.

    The last separator is the decimal one, except a lone separator before exactly three digits
    that is not the currency's usual decimal mark (1.234 EUR is a thousand and twelve, 1,234 MYR
    is a thousand); amounts with more decimals than the currency has are refused.
    """
    value = re.sub(r"[\s']", "", text or "")
    if not value:
        return None
    match = re.fullmatch(r"([+-]?)([\d.,]*\d[\d.,]*)", value)
    if not match:
        raise AmountError("Enter an amount in numbers, such as 12.50 or 12,50.")
    sign, digits = match.group(1), match.group(2).rstrip(".,")
    separator = decimal_separator(digits, currency)
    whole, fraction = digits.rsplit(separator, 1) if separator else (digits, "")
    groupings = set(re.sub(r"\d", "", whole))
    grouped = r"\d{1,3}([.,]\d{3})+"
    if len(groupings) > 1 or separator in groupings or (groupings and not re.fullmatch(grouped, whole)):
        raise AmountError("Write thousands in groups of three, such as 1,234.56 or 1.234,56.")
    places = minor_units(currency)
    if len(fraction) > places:
        if not places:
            raise AmountError(f"{currency} amounts have no decimals.")
        where = f" for {currency}" if currency else ""
        raise AmountError(f"Use at most {places} digits after the decimal separator{where}.")
    amount = Decimal(sign + re.sub(r"\D", "", whole or "0") + ("." + fraction if fraction else ""))
    if abs(amount) >= Decimal(10) ** 10:
        raise AmountError("This amount is too large for a receipt.")
    return quantize(amount, currency)


def decimal_separator(digits, currency):
    last = max(digits.rfind("."), digits.rfind(","))
    if last < 0 or last == len(digits) - 1:
        return ""
    mark = digits[last]
    if digits.count(mark) > 1:
        return ""  # 1,234,567: thousands only
    usual = "," if currency in DECIMAL_COMMA_CURRENCIES else "."
    lone = ("." if mark == "," else ",") not in digits
    if lone and mark != usual and len(digits) - last - 1 == 3 and minor_units(currency) < 3:
        return ""
    return mark
