"""Tax lines: GST, SST and VAT, but not tax registration numbers or summaries."""

from decimal import Decimal

from receipts.reading.fields import extract_fields_from_text


def test_gst_line_is_the_tax():
    text = "GST REG NO: 000123456789\nSUBTOTAL 100.00\nGST 6% 6.00\nTOTAL 106.00\n"
    assert extract_fields_from_text(text).tax == Decimal("6.00")


def test_sst_line_is_the_tax():
    text = "SUBTOTAL 50.00\nSST 10% 5.00\nTOTAL 55.00\n"
    assert extract_fields_from_text(text).tax == Decimal("5.00")


def test_vat_line_is_the_tax():
    text = "NET 20.00\nVAT 20% 4.00\nTOTAL £24.00\n"
    assert extract_fields_from_text(text).tax == Decimal("4.00")


def test_tax_invoice_heading_is_not_a_tax_amount():
    fields = extract_fields_from_text("TAX INVOICE 123.45\nTOTAL 9.90\n")
    assert fields.tax is None
