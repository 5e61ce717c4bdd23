"""The UploadZone for a user outside the batch upload rollout: one receipt at a time."""

import re

import pytest
from playwright.sync_api import expect
from waffle.models import Flag

from batches.models import Batch
from batches.rollout import BATCH_UPLOAD_FLAG
from tests.e2e.conftest import drop_files, screenshot
from tests.receipt_images import receipt_png

pytestmark = pytest.mark.e2e


@pytest.fixture
def outside_rollout(transactional_db):
    Flag.objects.update_or_create(name=BATCH_UPLOAD_FLAG, defaults={"everyone": None, "percent": 0, "staff": True})


def test_zone_takes_one_file_and_says_why_it_left_the_others_out(outside_rollout, logged_in_page, user):
    page = logged_in_page
    page.reload()  # the flag was saved after the page first loaded
    expect(page.locator("[data-single-file-notice]")).to_contain_text("send one receipt at a time")
    expect(page.locator("#upload-hint")).to_contain_text("one receipt at a time")

    drop_files(page, [("a.png", "image/png", receipt_png()), ("b.png", "image/png", receipt_png(total="9.99"))])

    expect(page.locator(".file-item")).to_have_count(1)
    expect(page.locator("[data-refusals]")).to_have_text(
        "b.png was left out: your account sends one receipt at a time for now."
    )
    screenshot(page, "upload-page-single-file")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page).to_have_url(re.compile(r"/batches/[0-9a-f-]{36}/$"))
    batch = Batch.objects.get(user=user)
    assert list(batch.receipts.values_list("original_filename", flat=True)) == ["a.png"]
