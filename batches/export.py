"""A batch's receipts as rows, as CSV or JSON: one module for the batch page and the API."""

import csv
import io
from datetime import datetime

from rest_framework.fields import DateTimeField

from receipts.failures import failure_of
from receipts.models import Receipt

COLUMNS = [
    "id", "original_filename", "status", "error", "error_code", "merchant", "date", "total", "subtotal",
    "tax", "currency", "category", "receipt_number", "needs_review", "duplicate_of", "attempts",
    "created_at", "finished_at",
]
# Spreadsheets open a UTF-8 file as UTF-8 (not as the system's code page) when it starts with this.
BYTE_ORDER_MARK = "\ufeff"
TIMESTAMP = DateTimeField()


def export_value(value):
    """Plain JSON-safe values, the same in both formats and in the API: amounts and dates as
    strings, timestamps in UTC ending in Z."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, datetime):
        return TIMESTAMP.to_representation(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def column_value(receipt, column):
    if column == "duplicate_of":
        return receipt.duplicate_of_id
    if column == "error_code":
        failure = failure_of(receipt)
        return failure.code if failure else None
    return getattr(receipt, column)


def receipt_rows(batch):
    """One dict per receipt of the batch, in the order its files were chosen, with the columns above."""
    receipts = batch.receipts.order_by(*Receipt.BATCH_ORDER)
    return [{column: export_value(column_value(receipt, column)) for column in COLUMNS} for receipt in receipts]


TEXT_COLUMNS = {"original_filename", "error", "merchant", "category", "receipt_number"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(column, value):
    """A file name or merchant like "=HYPERLINK(...)" must not run as a spreadsheet formula;
    booleans read true/false as in JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column in TEXT_COLUMNS and isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows_to_csv(rows, byte_order_mark=False):
    """CSV text; with the byte-order mark for a person's spreadsheet (Excel, LibreOffice)."""
    buffer = io.StringIO()
    if byte_order_mark:
        buffer.write(BYTE_ORDER_MARK)
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: csv_cell(column, value) for column, value in row.items()})
    return buffer.getvalue()


def export_filename(batch, extension):
    return f"receipts-{batch.created_at:%Y-%m-%d-%H%M}-{str(batch.id)[:8]}.{extension}"
