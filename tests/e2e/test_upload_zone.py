"""The UploadZone in a real browser: drop, paste, remove, refuse, keyboard, progress, retry."""

import base64
import re

import pytest
from playwright.sync_api import expect

from batches.models import Batch
from tests.e2e.conftest import drop_files, screenshot
from tests.receipt_images import receipt_png

pytestmark = pytest.mark.e2e

BATCH_URL = re.compile(r"/batches/[0-9a-f-]{36}/$")


def receipts(count):
    return [
        (f"receipt-{n}.png", "image/png", receipt_png(merchant=f"SHOP NUMBER {n}", total=f"{10 + n}.{n}5"))
        for n in range(count)
    ]


def record_sent_files(page):
    """Note each file's progress bar the moment the zone reports it sent (the page then moves on)."""
    sent = {}
    page.expose_function("recordSent", lambda name, value, maximum: sent.__setitem__(name, (value, maximum)))
    page.evaluate(
        """() => document.querySelector("[data-upload-zone]").addEventListener("upload-zone:file-sent", (event) => {
          const bar = event.detail.row.querySelector("progress");
          window.recordSent(event.detail.name, bar.value, bar.max);
        })"""
    )
    return sent


def test_dropped_receipts_upload_with_progress_and_are_read_live(logged_in_page, workers):
    page = logged_in_page
    drop_files(page, receipts(5))

    items = page.locator(".file-item")
    expect(items).to_have_count(5)
    expect(page.locator("[data-chosen-summary]")).to_contain_text("5 files")
    expect(items.first.locator("img.file-thumb")).to_be_visible()
    screenshot(page, "upload-page")
    sent = record_sent_files(page)

    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page).to_have_url(BATCH_URL)
    assert sent == {f"receipt-{n}.png": (100, 100) for n in range(5)}
    page.evaluate("window.loadedOnce = true")
    expect(page.locator("[data-counts]")).to_have_text("5/5 processed · 5 read", timeout=180_000)
    expect(page.locator("#batch-progress")).to_contain_text("Finished")
    for n in range(5):
        row = page.locator("tr", has_text=f"receipt-{n}.png")
        expect(row.locator(".merchant")).to_have_text(re.compile(r"\S"))
        expect(row.locator(".total")).to_contain_text(f"{10 + n}.{n}5")
    assert page.evaluate("window.loadedOnce") is True  # followed live, never reloaded


def test_a_file_can_be_removed_and_an_oversized_one_is_refused(logged_in_page, settings, user):
    settings.RECEIPT_MAX_FILE_BYTES = 1024 * 1024
    page = logged_in_page
    page.reload()  # the form carries the limit it was rendered with

    drop_files(page, [*receipts(2), ("big.jpg", "image/jpeg", 1_572_864)])

    expect(page.locator("[data-refusals]")).to_have_text("big.jpg is 1.5 MB; the limit is 1 MB.")
    expect(page.locator(".file-item")).to_have_count(2)
    page.get_by_role("button", name="Remove receipt-0.png").click()
    expect(page.locator(".file-item")).to_have_count(1)
    expect(page.locator("[data-status]")).to_contain_text("receipt-0.png removed")
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page).to_have_url(BATCH_URL)
    batch = Batch.objects.get(user=user)
    assert list(batch.receipts.values_list("original_filename", flat=True)) == ["receipt-1.png"]


def focus_by_tabbing(page, selector, presses=20):
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_upload_works_with_the_keyboard_alone(logged_in_page, user):
    page = logged_in_page
    # Playwright takes over the file dialog once someone listens; listen before the keys are pressed.
    page.on("filechooser", lambda chooser: None)

    focus_by_tabbing(page, "[data-dropzone]")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(
        [{"name": name, "mimeType": kind, "buffer": data} for name, kind, data in receipts(2)]
    )
    expect(page.locator(".file-item")).to_have_count(2)
    focus_by_tabbing(page, "[data-submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(BATCH_URL)
    batch = Batch.objects.get(user=user)
    assert sorted(batch.receipts.values_list("original_filename", flat=True)) == ["receipt-0.png", "receipt-1.png"]
    # No worker runs in this test.
    expect(page.locator("[data-counts]")).to_have_text("0/2 processed · 0 read · 2 in progress")
    screenshot(page, "batch-page-in-progress")


def test_a_file_that_fails_to_arrive_is_retried_alone(logged_in_page, user):
    page = logged_in_page
    dropped = []

    def drop_the_first_try_of_receipt_2(route):
        if b'filename="receipt-2.png"' in (route.request.post_data_buffer or b"") and not dropped:
            dropped.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/api/batches/*/files", drop_the_first_try_of_receipt_2)
    drop_files(page, receipts(4))
    page.get_by_role("button", name="Upload", exact=True).click()

    failed = page.locator(".file-item", has_text="receipt-2.png")
    expect(failed).to_contain_text("Not sent: The connection was lost.")
    expect(page.locator("[data-status]")).to_contain_text("1 file could not be sent")
    expect(page.get_by_role("link", name="Go to the batch")).to_be_visible()
    failed.get_by_role("button", name="Retry receipt-2.png").click()

    expect(page).to_have_url(BATCH_URL)
    batch = Batch.objects.get(user=user)
    names = sorted(batch.receipts.values_list("original_filename", flat=True))
    assert names == [f"receipt-{n}.png" for n in range(4)]  # each sent once, none resent
    # receipt-2 arrived last, but keeps the place it had in the list.
    placed = batch.receipts.order_by("position").values_list("position", "original_filename")
    assert list(placed) == [(n, f"receipt-{n}.png") for n in range(4)]
    links = page.locator("a", has_text=re.compile(r"^receipt-\d\.png$"))
    assert links.all_inner_texts() == [f"receipt-{n}.png" for n in range(4)]


def test_pasted_files_are_added(logged_in_page):
    page = logged_in_page

    page.evaluate(
        """(data) => {
          const transfer = new DataTransfer();
          const bytes = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
          transfer.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
          document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true }));
        }""",
        base64.b64encode(receipts(1)[0][2]).decode(),
    )

    expect(page.locator(".file-item")).to_have_count(1)
    expect(page.locator("[data-status]")).to_contain_text("1 file added from the clipboard")
