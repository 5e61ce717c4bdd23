"""One receipt end to end: claim -> read the file -> OCR -> extract -> enhance -> save, logging each step.

This is the one place that ties the reading package (receipts.reading) to the models. Transient
errors (storage, database) are raised for the job to retry; anything about the file itself
fails the receipt at once with a reason a person can read.
"""

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection

from receipts.enhance import enhance
from receipts.errors import FileMissing, TransientError, UnreadableFile, classify
from receipts.filetypes import inspect_file
from receipts.models import Receipt
from receipts.reading import ReadOptions, parse_engines, read

logger = logging.getLogger(__name__)


def process(receipt_id, retry_scheduled=False, job_id=""):
    """Process one receipt if it is still queued; a duplicate delivery returns without work.

    A file's own fault, a timeout or anything unexpected fails the receipt with its sentence. A
    transient error gives the receipt back and is raised again for RQ to retry when
    `retry_scheduled` (the job has retries left) and the receipt has attempts left; else it fails.
    `job_id` names the running job, so the sweep can tell when it is no longer running.
    """
    receipt = Receipt.objects.select_related("batch").filter(pk=receipt_id).first()
    if receipt is None:
        logger.warning("Receipt %s no longer exists; job dropped.", receipt_id)
        return
    if not claim(receipt, job_id):
        logger.info("Receipt %s is %s, not queued; duplicate delivery ignored.", receipt.pk, receipt.status)
        # Its batch may not have heard of the last change (that step failed before): tell it again.
        receipt.announce()
        return
    try:
        read_and_save(receipt)
    except Exception as exc:
        error = classify(exc, timeout_seconds=settings.RECEIPT_JOB_TIMEOUT)
        if not error.transient:
            fail(receipt, error)
            return
        if isinstance(exc, DatabaseError):
            connection.close()  # a lost connection: the release below opens a fresh one
        # Not processing any more: the receipt was saved and telling its batch failed; RQ's retry
        # (a duplicate delivery) tells it again. Otherwise: queued again, failed for good, or overtaken.
        if receipt.status == Receipt.Status.PROCESSING and not receipt.release_for_retry(error, retry_scheduled):
            return
        raise


def claim(receipt, job_id):
    """Claim the receipt for this job; True when it is ours.

    A connection lost after the claim was committed (telling the batch, say) leaves the receipt
    processing under this job: the database says whether the claim went through, and if it did
    the attempt goes on, instead of leaving the receipt to a retry that would find it taken.
    """
    attempts = receipt.attempts
    try:
        return receipt.claim_for_processing(job_id)
    except DatabaseError:
        connection.close()
        claimed = Receipt.objects.filter(
            pk=receipt.pk, status=Receipt.Status.PROCESSING, attempts=attempts + 1, job_id=job_id
        ).exists()
        if not (job_id and claimed):
            raise
        receipt.status, receipt.attempts, receipt.job_id = Receipt.Status.PROCESSING, attempts + 1, job_id
        return True


def fail(receipt, error):
    if error.code == "internal_error":
        logger.exception("Unexpected error while processing receipt %s", receipt.pk)
    if not receipt.mark_failed(error):
        logger.info("Receipt %s: attempt %s was overtaken; its failure is dropped.", receipt.pk, receipt.attempts)


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
        raise FileMissing() from None
    except OSError as exc:
        raise TransientError(f"Could not read the file from storage ({exc.strerror or type(exc).__name__})") from exc
    receipt.log("read_file", f"Read {len(data):,} bytes.", seconds=round(time.monotonic() - started, 3))
    return data


def read_and_save(receipt):
    if reuse_duplicate(receipt):
        return
    data = read_file(receipt)
    # The upload's checks again, with today's limits: same check, same reason, for files stored
    # before a limit was tightened and for refused files retried once a limit was raised.
    info = inspect_file(data, max_pixels=settings.RECEIPT_MAX_PIXELS, max_pages=settings.RECEIPT_MAX_PDF_PAGES)
    if receipt.content_type != info.content_type:
        sent_as, receipt.content_type = receipt.content_type, info.content_type
        receipt.save(update_fields=["content_type"])
        # A history row, as for every change shown about a receipt: the batch's change tag counts them.
        receipt.log("file_type", f"The file is {info.content_type}, not {sent_as or 'the type it was sent as'}.")
    reading = read(data, receipt.content_type, read_options())
    log_reading(receipt, reading)
    fields = reading.fields
    enhancement, enhance_seconds = enhance_fields(receipt, fields, reading.text)
    receipt.mark_completed(
        ocr_text=reading.text,
        ocr_source=reading.source,
        **{**model_fields(fields), **enhanced_fields(enhancement, fields)},
        timings={"ocr": round(reading.seconds, 3), **step_seconds(reading), "enhance": enhance_seconds},
    )


def read_options():
    return ReadOptions(
        engines=parse_engines(settings.RECEIPT_OCR_ENGINES),
        languages=settings.RECEIPT_OCR_LANGUAGES,
        locale=settings.RECEIPT_LOCALE,
        max_pages=settings.RECEIPT_MAX_PDF_PAGES,
        # OCR is stopped a little before the job would be, so the reason is ours.
        timeout=max(settings.RECEIPT_JOB_TIMEOUT * 0.8, 1),
    )


def step_seconds(reading):
    """Seconds per reading step (open, preprocess, tesseract, rapidocr, extract ...), summed."""
    totals = {}
    for step, seconds in reading.steps:
        totals[step] = round(totals.get(step, 0.0) + seconds, 3)
    return totals


def log_reading(receipt, reading):
    """One history row per engine that read the file, one for the reading, one for its fields."""
    for run in (r.run for r in reading.readings):
        receipt.log(
            run.engine,
            f"{run.engine} read the file in {run.seconds:.2f}s.",
            seconds=round(run.seconds, 3),
            cpu_seconds=round(run.cpu_seconds, 3),
        )
    receipt.log(
        "ocr",
        f"Read {len(reading.text):,} characters from {reading.pages} page(s) by {reading.source}.",
        seconds=round(reading.seconds, 3),
        source=reading.source,
    )
    fields = reading.fields
    receipt.log(
        "extract",
        f"Found merchant {fields.merchant or '-'}, date {fields.date or '-'}, "
        f"total {fields.total if fields.total is not None else '-'}.",
        seconds=step_seconds(reading).get("extract", 0.0),
        provenance=fields.provenance,
        needs_review=fields.needs_review,
    )


# What a completed receipt's result is made of, copied to a later upload of the same bytes.
RESULT_FIELDS = (
    "ocr_text", "ocr_source", "merchant", "merchant_raw", "merchant_address", "date", "total",
    "subtotal", "tax", "currency", "receipt_number", "line_items", "confidence", "needs_review",
    "category",
)


def reuse_duplicate(receipt):
    """Same bytes as a receipt this user already has read: reuse its result instead of reading again."""
    if not receipt.sha256:
        return False
    original = (
        Receipt.objects.filter(
            user_id=receipt.user_id, sha256=receipt.sha256, status=Receipt.Status.COMPLETED, duplicate_of=None
        )
        .exclude(pk=receipt.pk)
        .order_by("finished_at")
        .first()
    )
    if original is None:
        return False
    receipt.log(
        "duplicate",
        f"Same file as {original.original_filename}, read before; its result is reused.",
        duplicate_of=str(original.pk),
    )
    receipt.mark_completed(duplicate_of=original, **{name: getattr(original, name) for name in RESULT_FIELDS})
    return True


def enhance_fields(receipt, fields, ocr_text):
    """Canonical merchant and category, logging how long it took, where it came from and any fallback."""
    started = time.monotonic()
    result = enhance(fields, user_id=receipt.user_id, ocr_text=ocr_text)
    seconds = round(time.monotonic() - started, 3)
    if result.fallback:
        logger.warning("Receipt %s: %s", receipt.pk, result.fallback)
        receipt.log("enhance_fallback", result.fallback, level="warning")
    receipt.log(
        "enhance",
        f"Merchant {result.merchant or '-'}, category {result.category} ({result.source}, {seconds:.3f}s).",
        seconds=seconds,
        source=result.source,
        outcome=result.outcome,
        computed_by=result.computed_by,
        mismatches=result.mismatches,
    )
    return result, seconds


def enhanced_fields(enhancement, fields):
    """Receipt columns from the enhancement; a date or total read differently by a second reader needs review."""
    values = {
        "merchant": enhancement.merchant[:255],
        "merchant_raw": fields.merchant[:255],
        "category": enhancement.category,
    }
    if enhancement.mismatches:
        values["needs_review"] = True
    return values


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
