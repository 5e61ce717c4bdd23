"""Merchant name and address from the top of the receipt."""

from receipts.reading.fields import extract_fields_from_text

RECEIPT = """tan woon yann
BOOK TA .K (TAMAN DAYA) SDN BHD
(789417-W)
NO.53 55,57 & 59, JALAN SAGU 18,
TAMAN DAYA,
81100 JOHOR BAHRU,
JOHOR.
TEL: 07-3522888
Date 25/12/2018 8:13:39 PM
TOTAL 9.00
"""


def test_company_line_with_legal_suffix_is_the_merchant():
    assert extract_fields_from_text(RECEIPT).merchant == "BOOK TA .K (TAMAN DAYA) SDN BHD"


def test_address_runs_from_after_the_name_to_the_phone_line():
    assert extract_fields_from_text(RECEIPT).address == (
        "NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR."
    )


def test_name_wrapped_over_two_lines_is_joined():
    text = "HOME MASTER HARDWARE &\nELECTRICAL\nNO.113G, JALAN SETIA\n40170 SHAH ALAM\nTEL: 03-1"
    fields = extract_fields_from_text(text)
    assert fields.merchant == "HOME MASTER HARDWARE & ELECTRICAL"
    assert fields.address == "NO.113G, JALAN SETIA 40170 SHAH ALAM"


def test_misread_legal_suffix_is_restored():
    assert extract_fields_from_text("KEDAI MAJU SON BHD\nTOTAL 1.00").merchant == (
        "KEDAI MAJU SDN BHD"
    )


def test_first_readable_line_is_the_merchant_without_a_suffix():
    text = "---- ** ----\nPASAR MINI JIN SENG\n379, JALAN PERMAS SATU,\nTEL : 07-1234567"
    fields = extract_fields_from_text(text)
    assert fields.merchant == "PASAR MINI JIN SENG"
    assert fields.address == "379, JALAN PERMAS SATU,"


def test_stray_marks_around_the_name_are_dropped():
    text = "8 UNIHAKKA INTERNATIONAL SDN BHD ; 5\n12, Jalan Tampoi 7/4\nTAX INVOICE"
    assert extract_fields_from_text(text).merchant == "UNIHAKKA INTERNATIONAL SDN BHD"


def test_address_is_not_offered_as_the_merchant():
    text = "NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI\nTEL: 03-3271\nTOTAL 4.00"
    fields = extract_fields_from_text(text)
    assert fields.merchant == ""
    assert fields.needs_review


def test_date_line_between_name_and_address_is_skipped():
    text = "UNIHAKKA INTERNATIONAL SDN BHD\n05 Mar 2018 18:24\n(867388-U)\n12, Jalan Tampoi\nTAX"
    assert extract_fields_from_text(text).address == "12, Jalan Tampoi"


def test_comma_that_ocr_set_apart_stays_in_the_address():
    text = "SHOP SDN BHD\nLOT 18, JALAN KPB 6,\nKAWASAN BALAKONG ,\n43300 SERI KEMBANGAN\nTEL: 03-1"
    assert extract_fields_from_text(text).address == (
        "LOT 18, JALAN KPB 6, KAWASAN BALAKONG, 43300 SERI KEMBANGAN"
    )


def test_address_stops_at_a_phone_number_without_a_label():
    text = "SHELL TRADING\nLOT 2685 JLN GENTING KLANG\n53300 KL\n03- 40212008\nTOTAL 1.00"
    assert extract_fields_from_text(text).address == "LOT 2685 JLN GENTING KLANG 53300 KL"


def test_legal_notice_lines_are_not_the_address():
    text = (
        "GERBANG ALAF RESTAURANTS SDN BHD\n(65351-M)\nformerly known as\n"
        "GOLDEN ARCHES RESTAURANTS SDN BHD\nLicensee of a brand\n"
        "Level 6, Bangunan TH, No.3, Jalan SS21/39, 47400 Petaling Jaya\n(GST ID No: 1)"
    )
    fields = extract_fields_from_text(text)
    assert fields.merchant == "GERBANG ALAF RESTAURANTS SDN BHD"
    assert fields.address == "Level 6, Bangunan TH, No.3, Jalan SS21/39, 47400 Petaling Jaya"


def test_a_bare_legal_suffix_is_not_trusted_as_a_name():
    fields = extract_fields_from_text("BHD\nNo: 28, JALAN ASTANA 1C\nTEL 03-1\nTOTAL 1.00")
    assert fields.merchant == "BHD"
    assert fields.confidence["merchant"] < 0.5


def test_curly_quote_read_from_a_speck_is_dropped_from_the_address():
    text = "SHOP SDN BHD\n12, Jalan Tampoi 7/4,\nKawasan Perindustrian ‘Tampoi,\n81200 Johor Bahru\nTel 07"
    assert extract_fields_from_text(text).address == (
        "12, Jalan Tampoi 7/4, Kawasan Perindustrian Tampoi, 81200 Johor Bahru"
    )


def test_point_after_an_abbreviation_or_inside_a_number_stays():
    text = "SHOP SDN BHD\nNO. 53, JLN. BESAR, LOT P.T. 2811,\nKM 1.5 45600 BATANG\nTEL 03"
    assert extract_fields_from_text(text).address == (
        "NO. 53, JLN. BESAR, LOT P.T. 2811, KM 1.5 45600 BATANG"
    )


def test_registration_number_beside_the_name_is_left_out_of_it():
    text = "A022\n7 AEON CO. (M) BHD (126926-h)\n3RD FLR, AEON TAMAN MALURI\n55100 KUALA LUMPUR\nGST ID : 1"
    assert extract_fields_from_text(text).merchant == "AEON CO. (M) BHD"


def test_shop_named_in_the_farewell_replaces_a_smudged_top():
    text = (
        "dog |\nS BR No.: 01 AMP\n14 ORCHARD LANE, 45600 HILLTON\n03/02/2022\nTOTAL 9.00\n"
        "Thank you for shopping at PINE CORNER GROCER\n"
    )
    fields = extract_fields_from_text(text)
    assert fields.merchant == "PINE CORNER GROCER"
    assert fields.confidence["merchant"] <= 0.6


def test_farewell_does_not_overrule_a_name_with_its_legal_suffix():
    text = "AEON CO. (M) BHD\n55100 KUALA LUMPUR\nTOTAL 9.00\nThank you for shopping at AEON TAMAN MALURI\n"
    assert extract_fields_from_text(text).merchant == "AEON CO. (M) BHD"


def test_farewell_without_a_name_is_ignored():
    text = "THREE STOOGES\n109, SS21/1A\nTOTAL 9.00\nThank you for dining with us!\n"
    assert extract_fields_from_text(text).merchant == "THREE STOOGES"
