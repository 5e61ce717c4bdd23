"""A finished batch as a person checks it, on a desktop and a phone: money with its minor units, a
duplicate marked and counted once, a receipt without a total named, failures with or without a
retry; and the correction form refusing wrong values beside their fields."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import failed_for_a_passing_reason, upload
from tests.e2e.conftest import screenshot
from tests.receipt_images import receipt_png

pytestmark = pytest.mark.e2e

READ = {
    "cafe-zoe.png": ("Café Zoé", "2024-03-02", Decimal("10.12"), "EUR", None),
    "cafe-zoe-again.png": ("Café Zoé", "2024-03-02", Decimal("10.12"), "EUR", "cafe-zoe.png"),
    "book-taman.png": ("Book Ta-K (Taman Daya)", "2024-03-04", Decimal("11108.11"), "MYR", None),
    "parking.png": ("City Parking", "2024-03-05", None, "EUR", None),
    "bakery.png": ("Smith, Jones & Co", "2024-03-06", Decimal("4.60"), "EUR", None),
}


def finished_batch(user):
    files = [
        upload(name, receipt_png(merchant=name.upper(), total=f"{n}.10"), "image/png") for n, name in enumerate(READ)
    ]
    batch = create_batch(user, [*files, upload("notes.png", b"just notes"), upload("scan.png", b"also notes")])
    receipts = {receipt.original_filename: receipt for receipt in batch.receipts.all()}
    for name, (merchant, day, total, currency, original) in READ.items():
        Receipt.objects.filter(pk=receipts[name].pk).update(
            status=Receipt.Status.COMPLETED, merchant=merchant, date=day, total=total, currency=currency,
            duplicate_of=receipts[original] if original else None, attempts=1, category="restaurants",
            confidence={"merchant": 0.9, "date": 0.95, "total": 0.8 if total else 0.0}, needs_review=total is None,
        )
    failed_for_a_passing_reason(receipts["scan.png"])
    Receipt.objects.filter(pk=receipts["scan.png"].pk).update(
        error="Something went wrong on our side while reading this receipt. It can be retried.", attempts=1
    )
    batch.refresh_status()
    return batch


def test_a_finished_batch_says_what_its_totals_include(logged_in_page, user):
    batch = finished_batch(user)
    page = logged_in_page

    page.goto(f"/batches/{batch.id}/")

    expect(page.locator("[data-counts]")).to_have_text("7/7 processed · 5 read · 2 failed")
    totals = page.locator(".totals")
    expect(totals).to_contain_text("14.72 EUR")
    expect(totals).to_contain_text("11108.11 MYR")
    expect(page.locator("[data-totals-note]")).to_have_text(
        "Totals add up the 3 read receipts with a total; 1 duplicate of a receipt in this batch is counted "
        "once; 1 receipt with no total read is left out; failed receipts are left out."
    )
    again = page.locator("tr", has_text="cafe-zoe-again.png")
    expect(again.locator(".badge.duplicate")).to_have_text("Duplicate")
    expect(page.locator("tr", has_text="parking.png").locator(".no-total")).to_be_visible()
    expect(page.locator("tr", has_text="notes.png").get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("button", name="Retry scan.png")).to_be_visible()
    expect(page.get_by_role("button", name="Retry the 1 that may succeed")).to_be_visible()
    screenshot(page, "batch-page-finished")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "batch-page-phone")


def test_the_correction_form_shows_each_mistake_beside_its_field(logged_in_page, user):
    batch = finished_batch(user)
    receipt = batch.receipts.get(original_filename="cafe-zoe.png")
    page = logged_in_page
    page.goto(f"/receipts/{receipt.id}/")

    page.get_by_label("Total", exact=True).fill("eighty")
    page.get_by_label("Currency").fill("ABC")
    page.get_by_label("Date").fill("2031-01-01")
    page.get_by_role("button", name="Save corrections").click()

    expect(page.locator("#id_total_error")).to_have_text("Enter an amount in numbers, such as 12.50 or 12,50.")
    expect(page.locator("#id_currency_error")).to_have_text(
        "ABC is not a currency code; use one such as EUR, USD or MYR."
    )
    expect(page.locator("#id_date_error")).to_have_text("This date is in the future; enter the date on the receipt.")
    screenshot(page, "receipt-page-errors")
    page.get_by_label("Total", exact=True).fill("10,90")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Date").fill("2024-03-02")
    page.get_by_role("button", name="Save corrections").click()

    expect(page.get_by_role("status")).to_contain_text("Your corrections are saved.")
    receipt.refresh_from_db()
    assert (receipt.total, receipt.currency) == (Decimal("10.90"), "EUR")
