"""The pipeline saves the enhanced merchant and category and logs the step."""

from batches.services import create_batch
from receipts.models import Receipt
from receipts.pipeline import process
from tests.conftest import upload
from tests.receipt_images import receipt_png


def read_receipt(user, **drawn):
    receipt = create_batch(user, [upload("r.png", receipt_png(**drawn), "image/png")]).receipts.get()
    process(receipt.id)
    receipt.refresh_from_db()
    return receipt


def test_a_read_receipt_gets_the_canonical_merchant_and_keeps_the_printed_one(user, db):
    receipt = read_receipt(user, merchant="WAL-MART #1234")

    assert receipt.status == Receipt.Status.COMPLETED
    assert (receipt.merchant, receipt.merchant_raw, receipt.category) == ("Walmart", "WAL-MART #1234", "groceries")


def test_the_category_comes_from_the_items_when_the_merchant_says_nothing(user, db):
    receipt = read_receipt(user, merchant="JONES AND SONS", items=[("UNLEADED 95", "40.00")])

    assert (receipt.merchant, receipt.category) == ("Jones And Sons", "fuel")


def test_the_enhance_step_logs_its_source_outcome_and_duration(user, db):
    receipt = read_receipt(user, merchant="WAL-MART #1234")

    step = receipt.logs.get(event="enhance")
    assert (step.details["source"], step.details["outcome"]) == ("local", "enhanced")
    assert step.details["seconds"] >= 0
    assert step.message.startswith("Merchant Walmart, category groceries (local, ")
    assert receipt.timings["enhance"] == step.details["seconds"]


def test_a_common_merchant_is_answered_from_the_cache(user, db):
    read_receipt(user, merchant="WAL-MART #1234", total="10.00")

    receipt = read_receipt(user, merchant="WALMART SUPERCENTER", total="20.00")

    step = receipt.logs.get(event="enhance")
    assert (step.details["source"], step.details["outcome"], receipt.merchant) == ("cache", "cache_hit", "Walmart")
