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
    text = "TOTAL RM 37.10\nCASH RM 50.00\nCHANGE RM 12.90\n"
    assert total_of(text) == Decimal("37.10")


def test_rounded_total_after_a_rounding_line_is_the_total():
    text = (
        "TOTAL RM 33.92\n"
        "ROUNDING ADJUSTMENT -RM 0.02\n"
        "TOTAL ROUNDED RM 33.90\n"
        "CASH RM 50.00\n"
        "CHANGE RM 16.10\n"
    )
    assert total_of(text) == Decimal("33.90")


def test_total_inclusive_of_gst_is_the_total_not_the_tax():
    text = (
        "Total Sales (Excluding GST) 51.42\n"
        "Total GST 3.08\n"
        "Rounding 0.00\n"
        "Total Sales (Inclusive of GST) 54.50\n"
        "CASH 60.00\n"
    )
    fields = extract_fields_from_text(text)
    assert fields.total == Decimal("54.50")
    assert fields.tax == Decimal("3.08")
    assert fields.subtotal == Decimal("51.42")


def test_amounts_with_thousands_separators():
    assert total_of("AMOUNT DUE 1,234.50\nCASH 1,300.00\n") == Decimal("1234.50")


def test_decimal_comma_read_by_ocr_is_understood():
    assert total_of("TOTAL RM 33,90\n") == Decimal("33.90")


def test_space_inside_an_amount_is_understood():
    assert total_of("TOTAL : RM 39. 80\nCASH : RM 39. 80\n") == Decimal("39.80")


def test_paid_minus_change_settles_a_misread_total():
    text = "TOTAL RM 60.01\nROUNDING ADJ 0.01\nRM 60.30\nCASH RM 70.30\nCHANGE RM 10.00\n"
    assert total_of(text) == Decimal("60.30")


def test_item_count_is_not_a_total():
    assert total_of("Total Qty: 7 51.42\nNETT TOTAL 54.50\n") == Decimal("54.50")


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
        "Total Sales (Excluding GST) 80.91\n"
        "Rounding -0.01\n"
        "Total Sales (Inclusive of GST) 80.90\n"
        "GST SUMMARY\n"
        "Tax Code Amount Tax\n"
        "SR 80.91 0.00\n"
        "Total : 80.91 0.00\n"
    )
    assert total_of(text) == Decimal("80.90")


def test_lost_decimal_point_on_a_labelled_line_is_restored():
    text = "Total Sales (Excluding GST) 5142\nTotal GST 308\nTOTAL 54.50\n"
    fields = extract_fields_from_text(text)
    assert fields.subtotal == Decimal("51.42")
    assert fields.tax == Decimal("3.08")


def test_total_one_digit_off_the_sum_of_its_parts_is_repaired():
    text = (
        "Total Sales (Excluding GST) 95.17\n"
        "Total GST 5.71\n"
        "Rounding 0.02\n"
        "Total Sales (Inclusive of GST) 100.80\n"
    )
    assert total_of(text) == Decimal("100.90")


def test_total_confirmed_by_cash_and_change_is_not_repaired():
    text = "SUBTOTAL 95.17\nGST 5.71\nTOTAL 100.80\nCASH 110.00\nCHANGE 9.20\n"
    assert total_of(text) == Decimal("100.80")


def test_zero_rounding_keeps_the_total_printed_before_it():
    # "Rounded" was garbled by OCR, and 9.00 was misread as 9.60 after it.
    text = "1PC 9.00 9.00\nTotal : 9.00\nRounding Adjustment 0.00\nRound d Total (RM): 9.60\n"
    assert total_of(text) == Decimal("9.00")


def test_total_smaller_than_the_subtotal_is_not_believed():
    text = "SUB TOTAL 296.00\nSERVICE CHARGE 10% 29.60\nGST 6% 19.54\nTOTAL 3.43\n"
    assert total_of(text) != Decimal("3.43")


def test_printed_sum_of_subtotal_and_tax_is_the_total_when_its_label_is_garbled():
    text = (
        "Sub Total : RM 68.87\nGST/TAX 6% RM 4.13\nTOze RM 73.00\nCA. RM 73.00\nCHANGE: RM 0.00\n"
    )
    fields = extract_fields_from_text(text)
    assert fields.total == Decimal("73.00")
    assert fields.confidence["total"] >= 0.5


def test_tax_table_row_and_paid_amount_repair_a_total_one_digit_off():
    # Thermal print: the labelled total's 1 was read as 4. The cash paid (no change) and
    # the tax table's row (16.98 before tax + 1.02 tax) both say 18.00.
    text = (
        "ROUNDING ADJ 0.00\n"
        "TOTAL : 48.00\n"
        "CASH 18.00\n"
        "CHANGE 0.00\n"
        "AMOUNT TAX\n"
        "TOTAL: 16.98 1.02\n"
    )
    assert total_of(text) == Decimal("18.00")


def test_one_agreeing_reading_does_not_overrule_the_labelled_total():
    # Only paid - change says 49.00: a misread change is as likely as a misread total.
    text = "TOTAL 48.00\nCASH 50.00\nCHANGE 1.00\n"
    assert total_of(text) == Decimal("48.00")


def test_tax_table_row_confirms_its_sum_even_when_the_tax_is_zero():
    from receipts.reading.fields.totals import Totals, _agreement_bonuses, amount_lines

    lines = [("GST SUMMARY AMOUNT TAX", 0.9), ("TOTAL 80.91 0.00", 0.9)]
    assert _agreement_bonuses(amount_lines(lines), Totals())[Decimal("80.91")] == 1.5


def test_total_line_is_taken_as_the_tax_row_only_when_its_amounts_look_it():
    from receipts.reading.fields.totals import Totals, _agreement_bonuses, amount_lines

    row = _agreement_bonuses(amount_lines([("TOTAL: 16.98 1.02", 0.9)]), Totals())
    assert row[Decimal("18.00")] == 1.5
    not_a_row = _agreement_bonuses(amount_lines([("TOTAL 10.00 12.00", 0.9)]), Totals())
    assert Decimal("22.00") not in not_a_row


def test_count_of_goods_read_as_oty_is_not_the_total():
    text = "Total Itens = 2\nTotal Oty = 2.00\nTotal Incl. GST RM 15.00\nCASH 20.00\nCHANGE 5.00\n"
    assert total_of(text) == Decimal("15.00")
    assert extract_fields_from_text("ITEM A 1 3.00\nTotal Oty = 1.00\n").total != Decimal("1.00")


def test_total_that_lost_its_cents_is_completed_by_the_sum_of_its_parts():
    text = (
        "SUB TOTAL 295.00\nSERVICE CHARGE 10% 29.50\nGST 6% 19.47\nROUNDING ADJ -0.02\n"
        "NET TOTAL 343.\nSR GST 324.50\n"
    )
    assert total_of(text) == Decimal("343.95")


def test_total_cut_to_one_decimal_is_completed_when_the_parts_agree():
    text = "SUB TOTAL 150.00\nSERVICE CHARGE 10% 15.00\nGST 6% 9.90\nNET TOTAL 174.9\nCHANGE 25.10\n"
    assert total_of(text) == Decimal("174.90")


def test_service_charge_counts_among_the_parts_of_the_total():
    text = "SUB TOTAL 100.00\nSERVICE CHARGE 10% 10.00\nGST 6% 6.60\nTOTAL 116.80\n"
    assert total_of(text) == Decimal("116.60")


def test_digits_before_a_trailing_point_are_not_read_as_cents():
    assert find_amounts("TOTAL 343.", allow_spaced=True) == []
    assert find_amounts("TOTAL 5142", allow_spaced=True) == [Decimal("51.42")]


def test_total_printed_without_its_point_is_read_and_repaired_by_its_parts():
    assert find_amounts("Total (RM) : 11246", allow_spaced=True) == [Decimal("112.46")]
    text = (
        "Sub Total (RM) 106.10\nTotal GST (RM) 637 >\nRounding (RM) : -0.02\n"
        "Total (RM) : 11246\nGASH : 112.48\nChange (RM) : 0.00\n"
    )
    assert total_of(text) == Decimal("112.45")


def test_total_above_the_cash_that_was_handed_over_is_a_misread():
    text = "Total Incl. GST@6% RM 57.10\nCASH RM 50.00\nCHANGE RM 12.90\n"
    assert total_of(text) == Decimal("37.10")


def test_cash_misread_below_the_change_does_not_overrule_the_total():
    text = "TakeOut Total (incl GST) 26.60\nTotal Rounded 26.60\nCash Tendered 00.00\nChange 73,40\n"
    assert total_of(text) == Decimal("26.60")
