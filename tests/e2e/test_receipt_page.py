"""The receipt page in a real browser: a corrected total shows on the batch page."""

import pytest
from playwright.sync_api import expect

from batches.services import create_batch
from tests.conftest import upload
from tests.e2e.conftest import screenshot
from tests.receipt_images import receipt_png

pytestmark = pytest.mark.e2e


def test_a_corrected_total_shows_on_the_batch_page(logged_in_page, user, run_worker):
    lunch = receipt_png(merchant="CORNER GROCERY", total="23.45")
    batch = create_batch(user, [upload("lunch.png", lunch, "image/png")])
    run_worker()
    receipt = batch.receipts.get()
    page = logged_in_page

    page.goto(f"/receipts/{receipt.id}/")
    expect(page.get_by_label("Total", exact=True)).to_have_value("23.45")
    screenshot_receipt_page(page)
    page.get_by_label("Total", exact=True).fill("25.10")
    page.get_by_role("button", name="Save corrections").click()

    expect(page.get_by_role("status")).to_contain_text("Your corrections are saved.")
    expect(page.locator(".logs")).to_contain_text("Corrected by alice: total 23.45 → 25.10.")
    page.get_by_role("link", name="← Back to the batch").click()
    expect(page.locator("tr", has_text="lunch.png").locator(".total")).to_contain_text("25.10")


def screenshot_receipt_page(page):
    expect(page.locator(".receipt-image img")).to_have_js_property("complete", True)
    screenshot(page, "receipt-page")
