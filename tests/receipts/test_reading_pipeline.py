"""The pipeline reads through the reading package and its history shows each engine's step."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from batches.services import create_batch
from receipts.apps import ReceiptsConfig
from receipts.models import Receipt
from receipts.pipeline import process
from tests.conftest import upload
from tests.receipt_images import image_bytes, receipt_lines, receipt_png, render_lines


def read_receipt(user, data):
    receipt = create_batch(user, [upload("r.png", data, "image/png")]).receipts.get()
    process(receipt.id)
    receipt.refresh_from_db()
    return receipt


def test_a_receipt_the_first_engine_reads_well_is_read_once_and_says_by_what(user, db):
    receipt = read_receipt(user, receipt_png(merchant="CORNER GROCERY LTD", total="23.45"))

    assert (receipt.status, receipt.ocr_source, str(receipt.total)) == (Receipt.Status.COMPLETED, "rapidocr", "23.45")
    events = list(receipt.logs.values_list("event", flat=True))
    assert "rapidocr" in events and "tesseract" not in events
    step = receipt.logs.get(event="rapidocr")
    assert step.details["seconds"] > 0 and step.details["cpu_seconds"] > 0
    assert receipt.logs.get(event="extract").details["provenance"]["total"] == "rapidocr"
    assert {"ocr", "open", "rapidocr", "extract", "enhance"} <= set(receipt.timings)
    # Read cleanly and confirmed on the receipt itself: sure enough to need no review.
    assert receipt.confidence["total"] >= 0.9 and receipt.needs_review is False


def test_a_receipt_without_a_total_is_read_again_by_the_second_engine(user, db):
    lines = [line for line in receipt_lines() if not line.startswith(("TOTAL", "CASH"))]
    receipt = read_receipt(user, image_bytes(render_lines(lines), "PNG"))

    assert receipt.ocr_source == "rapidocr+tesseract"
    events = list(receipt.logs.values_list("event", flat=True))
    assert events.index("rapidocr") < events.index("tesseract") < events.index("ocr")
    assert receipt.needs_review is True


def test_the_engine_setting_reads_with_tesseract_alone(user, db, settings):
    settings.RECEIPT_OCR_ENGINES = "tesseract"
    receipt = read_receipt(user, receipt_png(merchant="CORNER GROCERY LTD", total="23.45"))

    assert (receipt.ocr_source, str(receipt.total)) == ("tesseract", "23.45")
    assert "rapidocr" not in receipt.timings and "preprocess" in receipt.timings


def test_an_unknown_engine_or_locale_setting_stops_the_app_from_starting(settings):
    import receipts

    settings.RECEIPT_OCR_ENGINES = "tesseract,easyocr"
    with pytest.raises(ImproperlyConfigured, match="Unknown OCR engine easyocr; choose from tesseract, rapidocr"):
        ReceiptsConfig("receipts", receipts).ready()
    settings.RECEIPT_OCR_ENGINES = "tesseract"
    settings.RECEIPT_LOCALE = "Mars"
    with pytest.raises(ImproperlyConfigured, match="Unknown receipt locale 'Mars'"):
        ReceiptsConfig("receipts", receipts).ready()
