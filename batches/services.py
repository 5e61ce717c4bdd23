"""Creating batches: the one path that both the upload form and the API take."""

import hashlib
import os
import unicodedata
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from batches.models import Batch
from receipts.filetypes import inspect_file
from receipts.jobs import enqueue_receipts
from receipts.models import Receipt
from receipts.reading import UnreadableFile

MAX_FILENAME_LENGTH = 255
PROCESSING_DELAYED = "Your receipts are saved. Processing is delayed and will start shortly."


def clean_filename(name):
    """A name safe to store and show: no path, no control characters, at most 255 characters.

    It is only ever displayed (escaped by templates); files are stored under their receipt id.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if not name:
        name = "unnamed"
    if len(name) > MAX_FILENAME_LENGTH:
        stem, extension = os.path.splitext(name)
        extension = extension[:16]
        name = stem[: MAX_FILENAME_LENGTH - len(extension) - 1] + "…" + extension
    return name


class TooManyPending(ValidationError):
    """The user already has as many receipts waiting as one account may have."""


def check_pending_limit(user, adding):
    """One account cannot fill the queue and starve everyone else."""
    limit = settings.RECEIPT_MAX_PENDING_PER_USER
    pending = Receipt.objects.filter(user=user, status__in=Receipt.PENDING_STATUSES).count()
    if pending + adding > limit:
        raise TooManyPending(
            f"You have {pending} receipts waiting to be read and the limit is {limit}; "
            "please send these once some have finished.",
            code="too_many_pending",
        )


def check_batch_size(files):
    if not files:
        raise ValidationError("Choose at least one receipt to upload.", code="no_files")
    limit = settings.RECEIPT_MAX_FILES_PER_BATCH
    if len(files) > limit:
        raise ValidationError(
            f"A batch can hold at most {limit} files; {len(files)} were sent.", code="too_many_files"
        )


def build_receipt(user, batch, upload):
    """One Receipt for one uploaded file: queued if readable, failed with the reason if not."""
    receipt = Receipt(user=user, batch=batch, original_filename=clean_filename(upload.name))
    receipt.size = upload.size or 0
    if receipt.size > settings.RECEIPT_MAX_FILE_BYTES:
        limit_mb = settings.RECEIPT_MAX_FILE_BYTES / (1024 * 1024)
        receipt.status = Receipt.Status.FAILED
        receipt.error_kind = Receipt.ErrorKind.TOO_LARGE
        receipt.error = f"This file is {receipt.size / (1024 * 1024):.1f} MB; the limit is {limit_mb:g} MB."
        return receipt, None
    data = upload.read()
    receipt.size = len(data)
    receipt.sha256 = hashlib.sha256(data).hexdigest()
    try:
        info = inspect_file(
            data, max_pixels=settings.RECEIPT_MAX_PIXELS, max_pages=settings.RECEIPT_MAX_PDF_PAGES
        )
    except UnreadableFile as exc:
        receipt.status = Receipt.Status.FAILED
        receipt.error_kind = Receipt.ErrorKind.UNREADABLE
        receipt.error = str(exc)
    else:
        receipt.content_type = info.content_type
    return receipt, data


def create_batch(user, files, source=Batch.Source.WEB):
    """Validate, store and enqueue a batch of uploaded files; returns the saved Batch.

    Raises ValidationError for the request as a whole (no files, too many). A single bad file
    does not: it becomes a failed receipt with its reason, and the rest of the batch proceeds.
    The jobs are enqueued only after the rows are committed, so a worker never looks for a
    receipt that is not there yet. `batch.enqueued` tells whether the queue took them; when
    it did not, the receipts wait in the database for the recovery sweep.
    """
    files = list(files)
    check_batch_size(files)
    check_pending_limit(user, len(files))
    with transaction.atomic():
        batch = Batch.objects.create(user=user, source=source)
        receipts = [save_receipt(user, batch, upload, n) for n, upload in enumerate(files)]
        batch.enqueued = True
        queued = [r for r in receipts if r.status == Receipt.Status.QUEUED]
        transaction.on_commit(partial(enqueue_batch, batch, queued))
        if not queued:
            batch.finish_if_done()
    return batch


def enqueue_batch(batch, receipts):
    batch.enqueued = enqueue_receipts(receipts)


def save_receipt(user, batch, upload, position=0):
    """Store one uploaded file as a receipt of the batch, logging its arrival (and refusal)."""
    receipt, data = build_receipt(user, batch, upload)
    receipt.position = position
    if data:  # kept even when unreadable, so a person can see what was sent
        receipt.file.save(receipt.original_filename, ContentFile(data), save=False)
    receipt.save()
    receipt.log("uploaded", f"Uploaded {receipt.original_filename} ({receipt.size:,} bytes).")
    if receipt.status == Receipt.Status.FAILED:
        receipt.finished_at = receipt.created_at
        receipt.save(update_fields=["finished_at"])
        receipt.log("failed", receipt.error, level="error", kind=receipt.error_kind)
    return receipt


def add_files_to_batch(batch, files, position=None):
    """Append uploaded files to an existing batch; returns the new receipts.

    position is the first file's place in the batch as the person ordered the files; by
    default the files go after those already there.

    The UploadZone sends a batch one file at a time, so one failed upload is retried alone. The
    batch row is locked while the receipts are added, and finish_if_done takes the same lock, so
    a worker never closes the batch between a file's arrival and its commit; a batch that had
    already finished is reopened by the new receipts.
    """
    files = list(files)
    check_batch_size(files)
    check_pending_limit(batch.user, len(files))
    with transaction.atomic():
        batch = Batch.objects.select_for_update(no_key=True).get(pk=batch.pk)
        already = batch.receipts.count()
        limit = settings.RECEIPT_MAX_FILES_PER_BATCH
        if already + len(files) > limit:
            raise ValidationError(
                f"A batch can hold at most {limit} files; it has {already} and {len(files)} more were sent.",
                code="too_many_files",
            )
        first = already if position is None else position
        receipts = [save_receipt(batch.user, batch, upload, first + n) for n, upload in enumerate(files)]
        queued = [r for r in receipts if r.status == Receipt.Status.QUEUED]
        if queued and batch.is_finished:
            batch.reopen()
        batch.enqueued = True
        transaction.on_commit(partial(enqueue_batch, batch, queued))
        if not queued:
            batch.finish_if_done()
    for receipt in receipts:
        receipt.batch = batch
    return receipts
