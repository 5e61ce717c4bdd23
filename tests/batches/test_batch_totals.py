"""The finished batch's totals: money with its currency's minor units, each receipt counted once,
and a sentence saying what the totals include."""

from decimal import Decimal

from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


def finished(user, values):
    """One completed receipt per (name, total, currency, duplicate of name) in `values`."""
    batch = create_batch(user, [upload(name, receipt_png(), "image/png") for name, *_ in values])
    by_name = {receipt.original_filename: receipt for receipt in batch.receipts.all()}
    for name, total, currency, original in values:
        Receipt.objects.filter(pk=by_name[name].pk).update(
            status=Receipt.Status.COMPLETED, total=total, currency=currency, merchant=f"Shop {name}",
            duplicate_of=by_name[original] if original else None,
        )
    batch.refresh_status()
    return batch


def test_totals_show_the_currencys_minor_units(logged_in_client, user, db):
    batch = finished(user, [
        ("a.png", Decimal("3.10"), "EUR", None), ("b.png", Decimal("7.02"), "EUR", None),
        ("c.png", Decimal("1500"), "JPY", None),
    ])

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert "10.12 EUR" in page
    assert "1500 JPY" in page and "1500.00 JPY" not in page
    assert "3.10 EUR" in page


def test_a_duplicate_in_the_same_batch_is_marked_and_counted_once(logged_in_client, user, db):
    batch = finished(user, [
        ("a.png", Decimal("12.50"), "EUR", None), ("a-again.png", Decimal("12.50"), "EUR", "a.png"),
        ("b.png", Decimal("7.50"), "EUR", None),
    ])

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert "20.00 EUR" in page and "25.00 EUR" not in page
    assert '<span class="badge duplicate">Duplicate</span>' in page
    assert "same file as" in page and ">a.png</a>, counted once" in page
    assert "1 duplicate of a receipt in this batch is counted once" in page


def test_a_receipt_without_a_total_is_named_and_left_out(logged_in_client, user, db):
    batch = finished(user, [("a.png", Decimal("4.00"), "MYR", None), ("b.png", None, "MYR", None)])

    page = logged_in_client.get(f"/batches/{batch.id}/").content.decode()

    assert "4.00 MYR" in page
    assert "No total read: not in the totals" in page
    assert (
        "Totals add up the 1 read receipt with a total; 1 receipt with no total read is left out." in page
    )
