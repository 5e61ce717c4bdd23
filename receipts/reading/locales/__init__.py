"""Per-country knowledge a receipt is read with: money, date order and address checks.

Each locale is a small table. The one a receipt belongs to is the one the setting names,
or else the one whose signs (currency marks, tax words, legal forms, address words) the
receipt's text carries the most different ones of; with no sign at all nothing is assumed.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass


def _unchanged(address: str) -> str:
    return address


@dataclass(frozen=True)
class Locale:
    code: str
    currency: str
    # 03/04/2018 is 4 March in the US and 3 April everywhere else.
    month_first: bool
    # Words printed on this country's receipts and rarely elsewhere.
    signs: re.Pattern
    # Repairs OCR slips in an address using the country's postcode and street words.
    repair_address: Callable[[str], str] = _unchanged


def _repair_malaysian_address(address: str) -> str:
    from receipts.reading.locales.malaysia_postcodes import repair_postcode, repair_state_name
    from receipts.reading.locales.malaysia_words import restore_address_words

    return repair_state_name(repair_postcode(restore_address_words(address)))


def _signs(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


LOCALES = {
    locale.code: locale
    for locale in (
        Locale(
            "US", "USD", True,
            _signs(r"\$|\bUSD\b|\bSALES TAX\b|\bTIP\b|\bGRATUITY\b|\bINC\b|\bLLC\b"
                   r"|\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b"),
        ),
        Locale(
            "UK", "GBP", False,
            _signs(r"£|\bGBP\b|\bVAT\b|\bLTD\b|\bPLC\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b"),
        ),
        Locale(
            "DE", "EUR", False,
            _signs(r"€|\bEUR\b|\bMWST\b|\bUST\b|\bGMBH\b|STRA(?:SS|ß)E\b|\bSUMME\b|\bGEGEBEN\b"
                   r"|\bRÜCKGELD\b|\bBAR\b|\bKASSE\b|\bBON\b"),
        ),
        Locale(
            "FR", "EUR", False,
            _signs(r"€|\bEUR\b|\bTVA\b|\bTTC\b|\bHT\b|\bSARL\b|\bSAS\b|\bRUE\b|\bESP[ÈE]CES\b"
                   r"|\bRENDU\b|\bMERCI\b"),
        ),
        Locale(
            "MY", "MYR", False,
            _signs(r"\bRM\s?\d|\bRM\b|\bMYR\b|\bS[DO0]N\.?\s?B[HN]D\b|\bJALAN\b|\bJLN\b|\bTAMAN\b"
                   r"|\bSELANGOR\b|\bJOHOR\b|\bKUALA LUMPUR\b|\bGST\b|\bSST\b"),
            _repair_malaysian_address,
        ),
    )
}  # fmt: skip
NO_LOCALE = Locale("", "", False, re.compile(r"(?!)"))


def locale_named(code: str) -> Locale:
    """The locale with this code ("US", "UK", "DE", "FR", "MY"); refuses others."""
    try:
        return LOCALES[code.upper()]
    except KeyError:
        raise ValueError(
            f"Unknown receipt locale {code!r}; choose from {', '.join(LOCALES)}, or leave it "
            "empty to detect it from each receipt."
        ) from None


def detect_locale(text: str, setting: str = "") -> Locale:
    """The setting's locale, or the one whose signs the text carries most.

    Each distinct sign counts once: a "$" before every price is one sign, not twenty, so a
    Malaysian receipt priced in "$" is still known by its street, state and legal words.
    Between locales with as many different signs, the one whose signs recur more wins.
    """
    if setting:
        return locale_named(setting)
    counts = {code: _sign_counts(locale, text) for code, locale in LOCALES.items()}
    best = max(counts, key=counts.get)
    return LOCALES[best] if counts[best][0] else NO_LOCALE


def _sign_counts(locale: Locale, text: str) -> tuple[int, int]:
    """How many different signs of the locale the text carries, and how many in all."""
    signs = [" ".join(match.group().upper().split()) for match in locale.signs.finditer(text)]
    return len(set(signs)), len(signs)
