"""The batch page with the keyboard while it updates: focus stays where the person put it, and
the counts agree with the rows at every moment."""

import re
import time

import pytest
from playwright.sync_api import expect

from batches.services import create_batch
from tests.conftest import failed_for_a_passing_reason, upload
from tests.receipt_images import long_receipt_png, receipt_png

pytestmark = pytest.mark.e2e

# The counts line and every row's status, read in one go inside the page.
READ_PAGE = """() => ({
  counts: document.querySelector("[data-counts]").textContent.replace(/\\s+/g, " ").trim(),
  statuses: Array.from(document.querySelectorAll('#batch-progress tbody td[data-label="Status"] .badge'))
    .map((badge) => badge.textContent.trim()),
})"""


def expected_counts(statuses):
    read, failed = statuses.count("Completed"), statuses.count("Failed")
    parts = [f"{read + failed}/{len(statuses)} processed", f"{read} read"]
    if failed:
        parts.append(f"{failed} failed")
    if len(statuses) - read - failed:
        parts.append(f"{len(statuses) - read - failed} in progress")
    return " · ".join(parts)


def assert_counts_agree_with_rows(page, seconds, until=None):
    """Read the page every 100 ms for `seconds` (or until it shows `until`): the counts line
    always says what the rows show. Returns every counts line seen."""
    deadline = time.monotonic() + seconds
    seen = set()
    while time.monotonic() < deadline:
        shown = page.evaluate(READ_PAGE)
        assert shown["counts"] == expected_counts(shown["statuses"]), shown
        seen.add(shown["counts"])
        if shown["counts"] == until:
            break
        page.wait_for_timeout(100)
    return seen


def test_a_focused_receipt_link_keeps_focus_while_the_batch_is_read(logged_in_page, user, workers):
    # Long receipts take Tesseract a few seconds each, so the page updates several times.
    files = [upload(f"r{n}.png", long_receipt_png(lines=60 + n), "image/png") for n in range(5)]
    batch = create_batch(user, files)
    page = logged_in_page
    page.goto(f"/batches/{batch.id}/")
    link = page.get_by_role("link", name="r0.png")

    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # reached with the keyboard, as a person would

    expect(link).to_be_focused()
    seen = assert_counts_agree_with_rows(page, 180, until="5/5 processed · 5 read")
    expect(page.locator("[data-counts]")).to_have_text("5/5 processed · 5 read")
    expect(link).to_be_focused()
    assert len(seen) > 2  # the page updated several times while the link held the focus


def test_retry_with_the_keyboard_keeps_focus_in_the_row_and_counts_agree(logged_in_page, user, workers):
    good = [upload(f"good-{n}.png", receipt_png(total=f"1{n}.00"), "image/png") for n in range(3)]
    batch = create_batch(user, [*good, upload("flaky.png", b"not a picture")])
    failed_for_a_passing_reason(batch.receipts.get(original_filename="flaky.png"))
    page = logged_in_page
    page.goto(f"/batches/{batch.id}/")
    counts = page.locator("[data-counts]")
    expect(counts).to_have_text("4/4 processed · 3 read · 1 failed", timeout=180_000)
    row = page.locator("tr", has_text="flaky.png")

    row.get_by_role("button", name="Retry flaky.png").focus()
    page.keyboard.press("Enter")

    expect(row.get_by_role("link", name="flaky.png")).to_be_focused()
    assert_counts_agree_with_rows(page, 2)
    expect(counts).to_have_text("4/4 processed · 3 read · 1 failed")
    expect(row.get_by_role("link", name="flaky.png")).to_be_focused()
    expect(row.locator(".why-not")).to_have_text("Retrying cannot help; upload another file.")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(logged_in_page):
    page = logged_in_page
    page.goto("/batches/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()
    assert re.search(r"#main$", page.url)
