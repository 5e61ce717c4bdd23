"""The total is the amount due: labelled lines, rounding, and cross-checks."""

from decimal import Decimal

from receipts.reading.fields import extract_fields_from_text
from receipts.reading.fields.money import find_amounts


def total_of(text: str) -> Decimal | None:
    return extract_fields_from_text(text).total


def test_total_line_gives_the_total():
    assert total_of("SHOP SDN BHD\nTEA 3.00\nTOTAL 12.50\n") == Decimal("12.50")


def test_subtotal_is_not_taken_as_total():
    text = "SUBTOTAL 10.00\nGST 6% 0.60\nTOTAL 10.60\n"
    fields = extract_fields_from_text(text)
    assert fields.total == Decimal("10.60")
    assert fields.subtotal == Decimal("10.00")


def test_sub_total_spelled_apart_is_still_a_subtotal():
    text = "SUB TOTAL 20.00\nSST 10% 2.00\nGRAND TOTAL 22.00\n"
    assert total_of(text) == Decimal("22.00")


def test_cash_and_change_are_not_the_total():
    text = "TOTAL RM 41.30\nCASH RM 50.00\nCHANGE RM 8.70\n"
    assert total_of(text) == Decimal("41.30")


def test_rounded_total_after_a_rounding_line_is_the_total():
    text = (
        "TOTAL RM 27.42\n"
        "ROUNDING ADJUSTMENT -RM 0.02\n"
        "TOTAL ROUNDED RM 27.40\n"
        "CASH RM 50.00\n"
        "CHANGE RM 22.60\n"
    )
    assert total_of(text) == Decimal("27.40")


def test_total_inclusive_of_gst_is_the_total_not_the_tax():
    text = (
        "Total Sales (Excluding GST) 62.26\n"
        "Total GST 3.74\n"
        "Rounding 0.00\n"
        "Total Sales (Inclusive of GST) 66.00\n"
        "CASH 70.00\n"
    )
    fields = extract_fields_from_text(text)
    assert fields.total == Decimal("66.00")
    assert fields.tax == Decimal("3.74")
    assert fields.subtotal == Decimal("62.26")


def test_amounts_with_thousands_separators():
    assert total_of("AMOUNT DUE 1,234.50\nCASH 1,300.00\n") == Decimal("1234.50")


def test_decimal_comma_read_by_ocr_is_understood():
    assert total_of("TOTAL RM 27,40\n") == Decimal("27.40")


def test_space_inside_an_amount_is_understood():
    assert total_of("TOTAL : RM 44. 60\nCASH : RM 44. 60\n") == Decimal("44.60")


def test_paid_minus_change_settles_a_misread_total():
    text = "TOTAL RM 45.01\nROUNDING ADJ 0.01\nRM 45.20\nCASH RM 55.20\nCHANGE RM 10.00\n"
    assert total_of(text) == Decimal("45.20")


def test_item_count_is_not_a_total():
    assert total_of("Total Qty: 7 62.26\nNETT TOTAL 66.00\n") == Decimal("66.00")


def test_amounts_have_two_decimal_places():
    total = total_of("TOTAL 7.5\nTOTAL DUE 7.50\n")
    assert total == Decimal("7.50")
    assert total.as_tuple().exponent == -2


def test_no_amounts_means_no_total():
    fields = extract_fields_from_text("THANK YOU\nPLEASE COME AGAIN\n")
    assert fields.total is None
    assert fields.confidence["total"] == 0.0


def test_tax_summary_table_total_is_not_the_amount_due():
    text = (
        "Total Sales (Excluding GST) 72.43\n"
        "Rounding -0.03\n"
        "Total Sales (Inclusive of GST) 72.40\n"
        "GST SUMMARY\n"
        "Tax Code Amount Tax\n"
        "SR 72.43 0.00\n"
        "Total : 72.43 0.00\n"
    )
    assert total_of(text) == Decimal("72.40")


def test_lost_decimal_point_on_a_labelled_line_is_restored():
    text = "Total Sales (Excluding GST) 6226\nTotal GST 374\nTOTAL 66.00\n"
    fields = extract_fields_from_text(text)
    assert fields.subtotal == Decimal("62.26")
    assert fields.tax == Decimal("3.74")


def test_total_one_digit_off_the_sum_of_its_parts_is_repaired():
    text = (
        "Total Sales (Excluding GST) 87.54\n"
        "Total GST 5.25\n"
        "Rounding 0.01\n"
        "Total Sales (Inclusive of GST) 92.30\n"
    )
    assert total_of(text) == Decimal("92.80")


def test_total_confirmed_by_cash_and_change_is_not_repaired():
    text = "SUBTOTAL 87.54\nGST 5.25\nTOTAL 92.70\nCASH 100.00\nCHANGE 7.30\n"
    assert total_of(text) == Decimal("92.70")


def test_zero_rounding_keeps_the_total_printed_before_it():
    # "Rounded" was garbled by OCR, and 7.00 was misread as 7.60 after it.
    text = "1PC 7.00 7.00\nTotal : 7.00\nRounding Adjustment 0.00\nRound d Total (RM): 7.60\n"
    assert total_of(text) == Decimal("7.00")


def test_total_smaller_than_the_subtotal_is_not_believed():
    text = "SUB TOTAL 180.00\nSERVICE CHARGE 10% 18.00\nGST 6% 11.88\nTOTAL 2.09\n"
    assert total_of(text) != Decimal("2.09")


def test_printed_sum_of_subtotal_and_tax_is_the_total_when_its_label_is_garbled():
    text = (
        "Sub Total : RM 56.60\nGST/TAX 6% RM 3.40\nTOze RM 60.00\nCA. RM 60.00\nCHANGE: RM 0.00\n"
    )
    fields = extract_fields_from_text(text)
    assert fields.total == Decimal("60.00")
    assert fields.confidence["total"] >= 0.5


def test_tax_table_row_and_paid_amount_repair_a_total_one_digit_off():
    # Thermal print: the labelled total's 1 was read as 4. The cash paid (no change) and
    # the tax table's row (14.15 before tax + 0.85 tax) both say 15.00.
    text = (
        "ROUNDING ADJ 0.00\n"
        "TOTAL : 45.00\n"
        "CASH 15.00\n"
        "CHANGE 0.00\n"
        "AMOUNT TAX\n"
        "TOTAL: 14.15 0.85\n"
    )
    assert total_of(text) == Decimal("15.00")


def test_one_agreeing_reading_does_not_overrule_the_labelled_total():
    # Only paid - change says 49.00: a misread change is as likely as a misread total.
    text = "TOTAL 48.00\nCASH 50.00\nCHANGE 1.00\n"
    assert total_of(text) == Decimal("48.00")


def test_tax_table_row_confirms_its_sum_even_when_the_tax_is_zero():
    from receipts.reading.fields.totals import Totals, _agreement_bonuses, amount_lines

    lines = [("GST SUMMARY AMOUNT TAX", 0.9), ("TOTAL 72.43 0.00", 0.9)]
    assert _agreement_bonuses(amount_lines(lines), Totals())[Decimal("72.43")] == 1.5


def test_total_line_is_taken_as_the_tax_row_only_when_its_amounts_look_it():
    from receipts.reading.fields.totals import Totals, _agreement_bonuses, amount_lines

    row = _agreement_bonuses(amount_lines([("TOTAL: 14.15 0.85", 0.9)]), Totals())
    assert row[Decimal("15.00")] == 1.5
    not_a_row = _agreement_bonuses(amount_lines([("TOTAL 10.00 12.00", 0.9)]), Totals())
    assert Decimal("22.00") not in not_a_row


def test_count_of_goods_read_as_oty_is_not_the_total():
    text = "Total Itens = 3\nTotal Oty = 3.00\nTotal Incl. GST RM 23.50\nCASH 30.00\nCHANGE 6.50\n"
    assert total_of(text) == Decimal("23.50")
    assert extract_fields_from_text("ITEM A 1 3.00\nTotal Oty = 1.00\n").total != Decimal("1.00")


def test_total_that_lost_its_cents_is_completed_by_the_sum_of_its_parts():
    text = (
        "SUB TOTAL 210.00\nSERVICE CHARGE 10% 21.00\nGST 6% 13.86\nROUNDING ADJ -0.01\n"
        "NET TOTAL 244.\nSR GST 231.00\n"
    )
    assert total_of(text) == Decimal("244.85")


def test_total_cut_to_one_decimal_is_completed_when_the_parts_agree():
    text = "SUB TOTAL 120.00\nSERVICE CHARGE 10% 12.00\nGST 6% 7.92\nNET TOTAL 139.9\nCHANGE 10.08\n"
    assert total_of(text) == Decimal("139.92")


def test_service_charge_counts_among_the_parts_of_the_total():
    text = "SUB TOTAL 80.00\nSERVICE CHARGE 10% 8.00\nGST 6% 5.28\nTOTAL 93.88\n"
    assert total_of(text) == Decimal("93.28")


def test_digits_before_a_trailing_point_are_not_read_as_cents():
    assert find_amounts("TOTAL 244.", allow_spaced=True) == []
    assert find_amounts("TOTAL 6226", allow_spaced=True) == [Decimal("62.26")]


def test_total_printed_without_its_point_is_read_and_repaired_by_its_parts():
    assert find_amounts("Total (RM) : 9010", allow_spaced=True) == [Decimal("90.10")]
    text = (
        "Sub Total (RM) 84.90\nTotal GST (RM) 509 >\nRounding (RM) : 0.01\n"
        "Total (RM) : 9010\nGASH : 90.02\nChange (RM) : 0.00\n"
    )
    assert total_of(text) == Decimal("90.00")


def test_total_above_the_cash_that_was_handed_over_is_a_misread():
    text = "Total Incl. GST@6% RM 71.30\nCASH RM 50.00\nCHANGE RM 8.70\n"
    assert total_of(text) == Decimal("41.30")


def test_cash_misread_below_the_change_does_not_overrule_the_total():
    text = "TakeOut Total (incl GST) 31.20\nTotal Rounded 31.20\nCash Tendered 00.00\nChange 68,80\n"
    assert total_of(text) == Decimal("31.20")
