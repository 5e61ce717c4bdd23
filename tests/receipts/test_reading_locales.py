"""Locales: the receipt's country sets its date order, currency and address checks."""

import datetime

import pytest

from receipts.reading.fields import extract_fields_from_text
from receipts.reading.locales import detect_locale, locale_named

US_BILL = "\n".join(
    [
        "HARBOR GRILL LLC",
        "55 PINE STREET",
        "OAKLAND, CA 94607",
        "9/1/2021 7:45 PM",
        "SUBTOTAL 40.00",
        "SALES TAX 3.30",
        "TIP 7.20",
        "TOTAL 50.50",
    ]
)
GERMAN_BON = "\n".join(
    [
        "BIRKEN MARKT GMBH",
        "LINDENSTRASSE 4",
        "10115 BERLIN",
        "09.01.2021 10:11",
        "BROT 2,50",
        "MWST 19,00 % 0,40",
        "SUMME 2,50",
        "BAR 5,00",
        "RUECKGELD 2,50",
    ]
)
FRENCH_TICKET = "\n".join(
    [
        "EPICERIE DU PORT SARL",
        "3 RUE DES LILAS",
        "69001 LYON",
        "09/01/2021 11:02",
        "TOTAL TTC 8,40",
        "TVA 20% 1,40",
        "ESPECES 10,00",
        "RENDU 1,60",
    ]
)


@pytest.mark.parametrize(
    ("text", "locale", "currency", "date"),
    [
        (US_BILL, "US", "USD", datetime.date(2021, 9, 1)),
        (GERMAN_BON, "DE", "EUR", datetime.date(2021, 1, 9)),
        (FRENCH_TICKET, "FR", "EUR", datetime.date(2021, 1, 9)),
    ],
)
def test_a_receipt_is_read_in_the_locale_its_signs_name(text, locale, currency, date):
    fields = extract_fields_from_text(text)
    assert (fields.locale, fields.currency, fields.date) == (locale, currency, date)


def test_a_us_bill_without_a_dollar_sign_is_still_in_dollars_and_month_first():
    fields = extract_fields_from_text(US_BILL)
    assert "$" not in US_BILL
    assert (fields.currency, str(fields.total)) == ("USD", "50.50")


def test_the_cash_handed_over_and_the_vat_rate_are_not_the_german_total():
    fields = extract_fields_from_text(GERMAN_BON)
    assert (str(fields.total), str(fields.tax)) == ("2.50", "0.40")


def test_the_french_total_is_the_one_with_tax_not_the_cash():
    assert str(extract_fields_from_text(FRENCH_TICKET).total) == "8.40"


def test_a_dollar_sign_on_a_malaysian_receipt_means_ringgit():
    text = "KEDAI MAJU SDN BHD\nNO 3, JALAN MAWAR 2\n43000 KAJANG, SELANGOR\n01/02/2022\nTOTAL $12.00"
    assert extract_fields_from_text(text).currency == "MYR"


def test_a_receipt_with_no_sign_of_a_country_assumes_none():
    fields = extract_fields_from_text("CORNER SHOP\n03/04/2022\nTOTAL 5.00")
    assert (fields.locale, fields.currency, fields.date) == ("", "", datetime.date(2022, 4, 3))


def test_the_locale_setting_overrules_detection():
    assert detect_locale(GERMAN_BON, "US").code == "US"
    fields = extract_fields_from_text("CORNER SHOP\n03/04/2022\nTOTAL 5.00", locale="US")
    assert (fields.currency, fields.date) == ("USD", datetime.date(2022, 3, 4))


def test_an_unknown_locale_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="Unknown receipt locale 'XX'; choose from US, UK, DE, FR, MY"):
        locale_named("XX")


def test_a_malaysian_receipt_priced_in_dollars_line_by_line_is_still_malaysian():
    prices = "\n".join(f"ITEM {n} $1.{n}0" for n in range(1, 8))
    text = f"KEDAI MAJU SDN BHD\nNO 3, JALAN MAWAR 2\n43000 KAJANG, SELANGOR\n04/02/2022\n{prices}\nTOTAL $12.80"
    fields = extract_fields_from_text(text)
    assert (fields.locale, fields.currency, fields.date) == ("MY", "MYR", datetime.date(2022, 2, 4))


def test_signs_that_recur_decide_between_locales_with_as_many_different_signs():
    assert detect_locale("CAFE\nGST 6%\nTOTAL $9.00\nGST SUMMARY").code == "MY"
