"""One receipt end to end: claim -> read the file -> OCR -> extract -> save, logging each step.

This is the one place that ties the pure readers (ocr, extract) to the models. Transient
errors (storage, database) are raised for the job to retry; anything about the file itself
fails the receipt at once with a reason a person can read.
"""

import logging
import time

from django.conf import settings
from django.db import DatabaseError

from receipts.extract import extract_fields
from receipts.filetypes import inspect_file
from receipts.models import Receipt
from receipts.ocr import OcrTimeout, UnreadableFile, read_text

logger = logging.getLogger(__name__)


class TransientError(Exception):
    """Worth trying again later: the cause is outside the file (storage, network, database)."""


def process(receipt_id):
    """Process one receipt if it is still queued; a duplicate delivery returns without work."""
    receipt = Receipt.objects.select_related("batch").filter(pk=receipt_id).first()
    if receipt is None:
        logger.warning("Receipt %s no longer exists; job dropped.", receipt_id)
        return
    if not receipt.claim_for_processing():
        logger.info("Receipt %s is %s, not queued; duplicate delivery ignored.", receipt.pk, receipt.status)
        return
    try:
        read_and_save(receipt)
    except UnreadableFile as exc:
        receipt.mark_failed(Receipt.ErrorKind.UNREADABLE, str(exc))
    except OcrTimeout:
        receipt.mark_failed(
            Receipt.ErrorKind.TIMEOUT,
            f"Reading this file took longer than {settings.RECEIPT_JOB_TIMEOUT} seconds, "
            "so it was stopped. A smaller or clearer image may work.",
        )
    except (TransientError, DatabaseError, OSError):
        raise
    except Exception:
        logger.exception("Unexpected error while processing receipt %s", receipt.pk)
        receipt.mark_failed(
            Receipt.ErrorKind.INTERNAL,
            "Something went wrong on our side while reading this receipt. It can be retried.",
        )
    finish_batch(receipt)


def finish_batch(receipt):
    if receipt.batch_id and receipt.batch.finish_if_done():
        logger.info("Batch %s finished: %s", receipt.batch_id, receipt.batch.status)


def read_file(receipt):
    if not receipt.file:
        raise UnreadableFile(
            "No file is stored for this receipt (it was refused at upload), so it cannot be read."
        )
    started = time.monotonic()
    try:
        with receipt.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise UnreadableFile("The uploaded file is missing from storage.") from None
    except OSError as exc:
        raise TransientError(f"Could not read the file from storage ({exc.strerror or type(exc).__name__})") from exc
    receipt.log("read_file", f"Read {len(data):,} bytes.", seconds=round(time.monotonic() - started, 3))
    return data


def read_and_save(receipt):
    data = read_file(receipt)
    if not receipt.content_type:  # refused at upload and retried by hand: same check, same reason
        inspect_file(data, max_pixels=settings.RECEIPT_MAX_PIXELS, max_pages=settings.RECEIPT_MAX_PDF_PAGES)
    ocr = read_text(
        data,
        receipt.content_type,
        max_pages=settings.RECEIPT_MAX_PDF_PAGES,
        # Tesseract is stopped a little before the job would be, so the reason is ours.
        timeout=max(settings.RECEIPT_JOB_TIMEOUT * 0.8, 1),
    )
    for step, seconds in ocr.steps:
        receipt.log(step, f"{step} took {seconds:.2f}s.", seconds=round(seconds, 3))
    receipt.log(
        "ocr",
        f"Read {len(ocr.text):,} characters from {ocr.pages} page(s) by {ocr.source}.",
        seconds=round(ocr.seconds, 3),
        source=ocr.source,
    )
    started = time.monotonic()
    fields = extract_fields(ocr)
    extract_seconds = time.monotonic() - started
    receipt.log(
        "extract",
        f"Found merchant {fields.merchant or '-'}, date {fields.date or '-'}, "
        f"total {fields.total if fields.total is not None else '-'}.",
        seconds=round(extract_seconds, 3),
        needs_review=fields.needs_review,
    )
    receipt.mark_completed(
        ocr_text=ocr.text,
        ocr_source=ocr.source,
        **model_fields(fields),
        timings={"ocr": round(ocr.seconds, 3), "extract": round(extract_seconds, 3)},
    )


def model_fields(fields):
    """The extracted Fields as Receipt column values."""
    return {
        "merchant": fields.merchant[:255],
        "merchant_address": fields.address,
        "date": fields.date,
        "total": fields.total,
        "subtotal": fields.subtotal,
        "tax": fields.tax,
        "currency": fields.currency,
        "receipt_number": fields.receipt_number[:64],
        "line_items": [
            {
                "description": item.description,
                "quantity": str(item.quantity) if item.quantity is not None else None,
                "unit_price": str(item.unit_price) if item.unit_price is not None else None,
                "amount": str(item.amount) if item.amount is not None else None,
            }
            for item in fields.line_items
        ],
        "confidence": {name: round(value, 2) for name, value in fields.confidence.items()},
        "needs_review": fields.needs_review,
    }
