"""Creating batches: the one path that both the upload form and the API take."""

import hashlib
import os
import unicodedata
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from batches.models import Batch
from batches.rollout import check_batch_upload
from receipts.errors import FileTooLarge, UnreadableFile
from receipts.filetypes import inspect_file
from receipts.jobs import dispatch
from receipts.limits import reserve_pending
from receipts.models import Receipt, receipt_changed
from receipts.services import remove_files

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


class ClientReferenceTaken(ValidationError):
    """A client sent a reference that names one of its batches already (kept as `batch`)."""

    def __init__(self, batch):
        super().__init__(
            f"You already have a batch with the reference {batch.client_reference!r}; "
            "choose another reference, or read that batch.",
            code="client_reference_taken",
        )
        self.batch = batch


def check_client_reference(user, reference):
    existing = Batch.objects.filter(user=user, client_reference=reference).first() if reference else None
    if existing:
        raise ClientReferenceTaken(existing)


def check_batch_size(files, sent=0):
    """`sent` counts the files the request carried, those past the limit too (never received)."""
    if not files:
        raise ValidationError("Choose at least one receipt to upload.", code="no_files")
    limit = settings.RECEIPT_MAX_FILES_PER_BATCH
    sent = max(sent, len(files))
    if sent > limit:
        raise ValidationError(f"A batch can hold at most {limit} files; {sent} were sent.", code="too_many_files")


def build_receipt(user, batch, upload):
    """One Receipt for one uploaded file: queued if readable, failed with the reason if not."""
    receipt = Receipt(user=user, batch=batch, original_filename=clean_filename(upload.name))
    receipt.size = upload.size or 0
    if receipt.size > settings.RECEIPT_MAX_FILE_BYTES:
        refuse(receipt, FileTooLarge(receipt.size, settings.RECEIPT_MAX_FILE_BYTES))
        return receipt, None
    data = upload.read()
    receipt.size = len(data)
    receipt.sha256 = hashlib.sha256(data).hexdigest()
    try:
        info = inspect_file(
            data, max_pixels=settings.RECEIPT_MAX_PIXELS, max_pages=settings.RECEIPT_MAX_PDF_PAGES
        )
    except UnreadableFile as exc:
        refuse(receipt, exc)
    else:
        receipt.content_type = info.content_type
    return receipt, data


def refuse(receipt, error):
    receipt.status = Receipt.Status.FAILED
    receipt.error_kind = error.kind
    receipt.error = error.message


def create_batch(user, files, source=Batch.Source.WEB, sent=0, client_reference=""):
    """Validate, store and enqueue a batch of uploaded files; returns the saved Batch.

    Raises ValidationError for the request as a whole (no files, too many, too many waiting). A
    single bad file does not: it becomes a failed receipt with its reason, and the rest of the
    batch proceeds. The jobs are enqueued only after the rows are committed, so a worker never
    looks for a receipt that is not there yet. `batch.enqueued` tells whether the queue took
    them; when it did not, the receipts wait in the database for the recovery sweep.
    """
    files = list(files)
    check_batch_size(files, sent)
    check_client_reference(user, client_reference)
    check_batch_upload(user, len(files))
    try:
        with transaction.atomic():
            reserve_pending(user.pk, len(files))
            batch = Batch.objects.create(user=user, source=source, client_reference=client_reference)
            receipts = [save_receipt(user, batch, upload, n) for n, upload in enumerate(files)]
            announce_receipts(batch, receipts)
    except IntegrityError:  # the same reference sent twice at once: the other request won
        check_client_reference(user, client_reference)
        raise
    return batch


def announce_receipts(batch, receipts):
    """After commit, hand the user's waiting receipts out (fairly); tell the batch it has new receipts."""
    batch.enqueued = True
    if any(r.status == Receipt.Status.QUEUED for r in receipts):
        transaction.on_commit(partial(dispatch_batch, batch))
    receipt_changed.send(sender=Receipt, batch_id=batch.pk)
    batch.refresh_from_db(fields=["status", "finished_at"])


def dispatch_batch(batch):
    batch.enqueued = dispatch([batch.user_id]) is not None


def save_receipt(user, batch, upload, position=0):
    """Store one uploaded file as a receipt of the batch, logging its arrival (and refusal).

    A refused file's bytes are kept (so its owner can see what was sent, and retry it once a
    limit is raised) only while the user's refused files stay under RECEIPT_REFUSED_BYTES_PER_USER.
    """
    receipt, data = build_receipt(user, batch, upload)
    receipt.position = position
    if data and (receipt.status == Receipt.Status.QUEUED or refused_bytes_left(user) >= len(data)):
        receipt.file.save(receipt.original_filename, ContentFile(data), save=False)
    if receipt.status == Receipt.Status.FAILED:
        receipt.finished_at = timezone.now()
    receipt.save()
    receipt.log("uploaded", f"Uploaded {receipt.original_filename} ({receipt.size:,} bytes).")
    if receipt.status == Receipt.Status.FAILED:
        stored = "kept" if receipt.file else "not kept"
        receipt.log("failed", receipt.error, level="error", kind=receipt.error_kind, file=stored)
    return receipt


def refused_bytes_left(user):
    """Room left for the user's files refused at upload and still stored (counted under the user lock)."""
    refused = Receipt.objects.filter(user=user, content_type="").exclude(file="")
    return settings.RECEIPT_REFUSED_BYTES_PER_USER - (refused.aggregate(total=Sum("size"))["total"] or 0)


def close_finished_batches():
    """Close batches still marked processing whose receipts are all final (the sweep's second task).

    A worker tells a batch when its receipt finished; if that step failed, this is the catch.
    """
    stale = Batch.objects.filter(status=Batch.Status.PROCESSING).exclude(
        receipts__status__in=Receipt.PENDING_STATUSES
    )
    return sum(batch.refresh_status() for batch in stale)


def add_files_to_batch(batch, files, position=None, sent=0):
    """Append uploaded files to an existing batch; returns the new receipts.

    position is the first file's place in the batch as the person ordered the files; by
    default the files go after those already there.

    The UploadZone sends a batch one file at a time, so one failed upload is retried alone. The
    batch row is locked while the receipts are added, and refresh_status takes the same lock, so
    a worker never closes the batch between a file's arrival and its commit; a batch that had
    already finished is reopened by the new receipts.
    """
    files = list(files)
    check_batch_size(files, sent)
    with transaction.atomic():
        reserve_pending(batch.user_id, len(files))
        batch = Batch.objects.select_for_update(no_key=True).get(pk=batch.pk)
        already = batch.receipts.count()
        check_batch_upload(batch.user, already + len(files))
        limit = settings.RECEIPT_MAX_FILES_PER_BATCH
        if already + len(files) > limit:
            raise ValidationError(
                f"A batch can hold at most {limit} files; it has {already} and {len(files)} more were sent.",
                code="too_many_files",
            )
        last = batch.receipts.aggregate(last=Max("position"))["last"]
        first = (0 if last is None else last + 1) if position is None else position
        check_positions_free(batch, first, len(files))
        receipts = [save_receipt(batch.user, batch, upload, first + n) for n, upload in enumerate(files)]
        announce_receipts(batch, receipts)
    for receipt in receipts:
        receipt.batch = batch
    return receipts


def check_positions_free(batch, first, count):
    """Two files may not claim one place in a batch (a file sent again must use its Idempotency-Key)."""
    taken = batch.receipts.filter(position__gte=first, position__lt=first + count).values_list("position", flat=True)
    if taken:
        raise ValidationError(
            f"Position {min(taken)} of this batch already holds a receipt; send each file with its own position.",
            code="position_taken",
        )


def delete_batch(batch):
    """Delete a batch with its receipts, their stored files and previews."""
    receipts = list(batch.receipts.all())
    with transaction.atomic():
        batch.delete()
        transaction.on_commit(partial(remove_files, receipts))
