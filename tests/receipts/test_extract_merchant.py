"""Merchant name and address from the top of the receipt."""

from receipts.reading.fields import extract_fields_from_text

RECEIPT = """lim mei ling
KEDAI BUKU .M (TAMAN ORKID) SDN BHD
(246813-W)
NO.7 9,11 & 13, JALAN ORKID 4,
TAMAN ORKID,
81300 SKUDAI,
JOHOR.
TEL: 07-5551234
Date 14/07/2021 8:13:39 PM
TOTAL 9.00
"""


def test_company_line_with_legal_suffix_is_the_merchant():
    assert extract_fields_from_text(RECEIPT).merchant == "KEDAI BUKU .M (TAMAN ORKID) SDN BHD"


def test_address_runs_from_after_the_name_to_the_phone_line():
    assert extract_fields_from_text(RECEIPT).address == (
        "NO.7 9,11 & 13, JALAN ORKID 4, TAMAN ORKID, 81300 SKUDAI, JOHOR."
    )


def test_name_wrapped_over_two_lines_is_joined():
    text = "CITY LIGHT HARDWARE &\nELECTRICAL\nNO.21G, JALAN CEMPAKA\n40170 SHAH ALAM\nTEL: 03-1"
    fields = extract_fields_from_text(text)
    assert fields.merchant == "CITY LIGHT HARDWARE & ELECTRICAL"
    assert fields.address == "NO.21G, JALAN CEMPAKA 40170 SHAH ALAM"


def test_misread_legal_suffix_is_restored():
    assert extract_fields_from_text("KEDAI MAJU SON BHD\nTOTAL 1.00").merchant == (
        "KEDAI MAJU SDN BHD"
    )


def test_first_readable_line_is_the_merchant_without_a_suffix():
    text = "---- ** ----\nPASAR MINI SRI MAJU\n41, JALAN CEMPAKA DUA,\nTEL : 07-1234567"
    fields = extract_fields_from_text(text)
    assert fields.merchant == "PASAR MINI SRI MAJU"
    assert fields.address == "41, JALAN CEMPAKA DUA,"


def test_stray_marks_around_the_name_are_dropped():
    text = "8 SUTERA PACKAGING SDN BHD ; 5\n8, Jalan Kenanga 3/2\nTAX INVOICE"
    assert extract_fields_from_text(text).merchant == "SUTERA PACKAGING SDN BHD"


def test_address_is_not_offered_as_the_merchant():
    text = "NO. 9, JALAN PASAR, 45000 KUALA SELANGOR\nTEL: 03-3271\nTOTAL 4.00"
    fields = extract_fields_from_text(text)
    assert fields.merchant == ""
    assert fields.needs_review


def test_date_line_between_name_and_address_is_skipped():
    text = "SUTERA PACKAGING SDN BHD\n11 Jun 2021 09:12\n(123456-A)\n8, Jalan Kenanga\nTAX"
    assert extract_fields_from_text(text).address == "8, Jalan Kenanga"


def test_comma_that_ocr_set_apart_stays_in_the_address():
    text = "SHOP SDN BHD\nLOT 18, JALAN IKS 2,\nKAWASAN SEMENYIH ,\n43500 SEMENYIH\nTEL: 03-1"
    assert extract_fields_from_text(text).address == (
        "LOT 18, JALAN IKS 2, KAWASAN SEMENYIH, 43500 SEMENYIH"
    )


def test_address_stops_at_a_phone_number_without_a_label():
    text = "PETRO JAYA TRADING\nLOT 77 JLN KUCHAI LAMA\n58200 KL\n03- 77815566\nTOTAL 1.00"
    assert extract_fields_from_text(text).address == "LOT 77 JLN KUCHAI LAMA 58200 KL"


def test_legal_notice_lines_are_not_the_address():
    text = (
        "SELERA NUSA RESTAURANTS SDN BHD\n(24680-K)\nformerly known as\n"
        "BINTANG FOODS SDN BHD\nLicensee of a brand\n"
        "Level 2, Wisma Anggerik, No.5, Jalan SS2/10, 47300 Petaling Jaya\n(GST ID No: 1)"
    )
    fields = extract_fields_from_text(text)
    assert fields.merchant == "SELERA NUSA RESTAURANTS SDN BHD"
    assert fields.address == "Level 2, Wisma Anggerik, No.5, Jalan SS2/10, 47300 Petaling Jaya"


def test_a_bare_legal_suffix_is_not_trusted_as_a_name():
    fields = extract_fields_from_text("BHD\nNo: 14, JALAN MERANTI 2\nTEL 03-1\nTOTAL 1.00")
    assert fields.merchant == "BHD"
    assert fields.confidence["merchant"] < 0.5


def test_curly_quote_read_from_a_speck_is_dropped_from_the_address():
    text = "SHOP SDN BHD\n8, Jalan Kenanga 3/2,\nKawasan Perindustrian ‘Kenanga,\n81300 Skudai\nTel 07"
    assert extract_fields_from_text(text).address == (
        "8, Jalan Kenanga 3/2, Kawasan Perindustrian Kenanga, 81300 Skudai"
    )


def test_point_after_an_abbreviation_or_inside_a_number_stays():
    text = "SHOP SDN BHD\nNO. 6, JLN. PASAR, LOT P.T. 1402,\nKM 1.5 45000 KUALA\nTEL 03"
    assert extract_fields_from_text(text).address == (
        "NO. 6, JLN. PASAR, LOT P.T. 1402, KM 1.5 45000 KUALA"
    )


def test_registration_number_beside_the_name_is_left_out_of_it():
    text = "A022\n7 SENTOSA RETAIL (M) BHD (135790-h)\n2ND FLR, SENTOSA MALL\n56000 KUALA LUMPUR\nGST ID : 1"
    assert extract_fields_from_text(text).merchant == "SENTOSA RETAIL (M) BHD"


def test_shop_named_in_the_farewell_replaces_a_smudged_top():
    text = (
        "dog |\nS BR No.: 01 AMP\n14 ORCHARD LANE, 45600 HILLTON\n03/02/2022\nTOTAL 9.00\n"
        "Thank you for shopping at PINE CORNER GROCER\n"
    )
    fields = extract_fields_from_text(text)
    assert fields.merchant == "PINE CORNER GROCER"
    assert fields.confidence["merchant"] <= 0.6


def test_farewell_does_not_overrule_a_name_with_its_legal_suffix():
    text = "SENTOSA RETAIL (M) BHD\n56000 KUALA LUMPUR\nTOTAL 9.00\nThank you for shopping at SENTOSA MALL\n"
    assert extract_fields_from_text(text).merchant == "SENTOSA RETAIL (M) BHD"


def test_farewell_without_a_name_is_ignored():
    text = "FOUR SEASONS BISTRO\n27, SS4/2\nTOTAL 9.00\nThank you for dining with us!\n"
    assert extract_fields_from_text(text).merchant == "FOUR SEASONS BISTRO"


def test_an_address_read_on_the_name_row_is_left_out_of_the_name():
    text = "MAPLE FRAMES SDN BHD No: 14, JALAN MERANTI 2\n47300 PETALING JAYA\nTEL 03-1"
    assert extract_fields_from_text(text).merchant == "MAPLE FRAMES SDN BHD"


def test_a_registration_number_with_a_letter_prefix_is_left_out_of_the_name():
    assert extract_fields_from_text("KAYU JATI TRADING (JM0123456-D)\nTOTAL 1.00").merchant == "KAYU JATI TRADING"


def test_a_legal_suffix_joined_to_the_name_by_ocr_is_set_apart():
    assert extract_fields_from_text("SUTERA PACKAGING-SDN BHD\nTOTAL 1.00").merchant == "SUTERA PACKAGING SDN BHD"


def test_a_capital_i_between_lower_case_letters_is_read_as_l():
    assert extract_fields_from_text("Ocean WorId Sdn Bhd\nTOTAL 1.00").merchant == "Ocean World Sdn Bhd"


def test_the_address_stops_at_document_words_ocr_ran_together():
    text = "SUTERA PACKAGING SDN BHD\n8, Jalan Kenanga 3/2,\n81300 Skudai, Johor\nTAXINVOICE\nDocument No TD0042\n"
    assert extract_fields_from_text(text).address == "8, Jalan Kenanga 3/2, 81300 Skudai, Johor"
    text = "SUTERA PACKAGING SDN BHD\n8, Jalan Kenanga 3/2,\n81300 Skudai, Johor\nDocument No TD0042\n"
    assert extract_fields_from_text(text).address == "8, Jalan Kenanga 3/2, 81300 Skudai, Johor"


def test_a_tax_number_between_the_name_and_the_address_is_passed_over():
    text = "CEMARA TAP\nOwned by Cemara Foods S/B\n(246813-W)\nGST No : 000123456789\n"
    text += "Plaza Cemara, Lot 3, Block B\nNo 2, Jalan Cemara 9/1,\nBandar Cemara, 52000 KL\nTEL: 03-1\n"
    assert extract_fields_from_text(text).address == (
        "Plaza Cemara, Lot 3, Block B No 2, Jalan Cemara 9/1, Bandar Cemara, 52000 KL"
    )


def test_what_follows_a_tax_number_is_no_address_unless_it_looks_like_one():
    text = "CEMARA TAP\nGST No : 000123456789\nQty Item Price\n2 Teh Tarik 5.00\nTOTAL 5.00\n"
    assert extract_fields_from_text(text).address == ""


def test_an_address_on_a_jl_street_starts_where_the_name_was_not_read():
    text = "K2-40, JL MERANTI UTAMA\n80300 JOHOR BAHRU\nJOHOR\nH/P:012-3456789\nTOTAL 5.00\n"
    assert extract_fields_from_text(text).address == "K2-40, JL MERANTI UTAMA 80300 JOHOR BAHRU JOHOR"


def test_a_zero_inside_a_word_of_the_address_is_read_as_the_letter_o():
    text = "BIRKEN MARKT GMBH\nLINDENSTRASSE 4\n50667 K0ELN\nTEL 0221 123456\n"
    assert extract_fields_from_text(text).address == "LINDENSTRASSE 4 50667 KOELN"


def test_german_and_french_tax_lines_end_the_address():
    assert extract_fields_from_text("BIRKEN MARKT GMBH\nLINDENSTRASSE 4\n50667 KOELN\nMWST 19,00 %\n").address == (
        "LINDENSTRASSE 4 50667 KOELN"
    )
    assert extract_fields_from_text("EPICERIE DU PORT SARL\n3 RUE DES LILAS\n69001 LYON\nSIRET 12345\n").address == (
        "3 RUE DES LILAS 69001 LYON"
    )


def test_codes_that_mix_digits_and_letters_keep_their_zeros():
    text = "HARBOR GRILL LLC\nUNIT B0A, 40 PINE ST\nSAN JOSE, CA 95110\nSALES TAX 1.00\n"
    assert extract_fields_from_text(text).address == "UNIT B0A, 40 PINE ST SAN JOSE, CA 95110"
