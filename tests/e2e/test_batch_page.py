"""The batch page in a real browser: a failure shows its reason, and retry is offered only where it
can help."""

import pytest
from playwright.sync_api import expect

from batches.services import create_batch
from tests.conftest import upload
from tests.receipt_images import receipt_png

pytestmark = pytest.mark.e2e

UNREADABLE = "This file is not an image or a PDF (it looks like plain text)."


def test_an_unreadable_file_fails_alone_with_its_reason_and_no_retry(logged_in_page, user, workers):
    files = [upload(f"good-{n}.png", receipt_png(total=f"1{n}.00"), "image/png") for n in range(4)]
    batch = create_batch(user, [*files, upload("notes.png", b"just some notes")])
    page = logged_in_page

    page.goto(f"/batches/{batch.id}/")

    counts = page.locator("[data-counts]")
    expect(counts).to_have_text("5/5 processed · 4 read · 1 failed", timeout=180_000)
    row = page.locator("tr", has_text="notes.png")
    expect(row.locator(".reason")).to_have_text(UNREADABLE)
    expect(row.locator(".attempts")).to_have_text("0 attempts")
    expect(row.locator(".why-not")).to_have_text("Retrying cannot help; upload another file.")
    expect(row.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("button", name="Retry all failed")).to_have_count(0)
    expect(page.locator("#batch-progress")).to_contain_text("Finished")
