"""A batch's receipts as rows, as CSV or JSON: one module for the batch page and the API."""

import csv
import io

from receipts.models import Receipt

COLUMNS = [
    "id", "original_filename", "status", "error", "merchant", "date", "total", "subtotal", "tax",
    "currency", "category", "receipt_number", "needs_review", "attempts", "created_at", "finished_at",
]


def export_value(value):
    """Plain JSON-safe values, the same in both formats: amounts and dates as strings."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def receipt_rows(batch):
    """One dict per receipt of the batch, in the order its files were chosen, with the columns above."""
    receipts = batch.receipts.order_by(*Receipt.BATCH_ORDER)
    return [{column: export_value(getattr(receipt, column)) for column in COLUMNS} for receipt in receipts]


TEXT_COLUMNS = {"original_filename", "error", "merchant", "category", "receipt_number"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(column, value):
    """A file name or merchant like "=HYPERLINK(...)" must not run as a spreadsheet formula."""
    if value is None:
        return ""
    if column in TEXT_COLUMNS and isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows_to_csv(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: csv_cell(column, value) for column, value in row.items()})
    return buffer.getvalue()


def export_filename(batch, extension):
    return f"receipts-{batch.created_at:%Y-%m-%d-%H%M}-{str(batch.id)[:8]}.{extension}"
