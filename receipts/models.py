import uuid

from django.conf import settings
from django.db import models, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from receipts.errors import GaveUp, ReaderCrashed


def receipt_upload_to(receipt, filename):
    """Stored under an id, never under the uploaded name (which a person or a script chose)."""
    extension = {
        "image/jpeg": ".jpg",
        "image/png": ".png",
        "image/webp": ".webp",
        "image/tiff": ".tif",
        "image/heic": ".heic",
        "image/heif": ".heif",
        "application/pdf": ".pdf",
    }.get(receipt.content_type, ".bin")
    return f"receipts/{receipt.user_id}/{receipt.id}{extension}"


class Receipt(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        PROCESSING = "processing"
        COMPLETED = "completed"
        FAILED = "failed"

    class ErrorKind(models.TextChoices):
        NONE = ""
        UNREADABLE = "unreadable", "Unreadable file"
        TOO_LARGE = "too_large", "Too large"
        OVER_LIMIT = "over_limit", "Over a pixel or page limit"
        TIMEOUT = "timeout", "Timed out"
        TRANSIENT = "transient", "Gave up after retries"
        CRASHED = "crashed", "Stopped the reader"
        INTERNAL = "internal", "Internal error"

    PENDING_STATUSES = (Status.QUEUED, Status.PROCESSING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.ForeignKey(
        "batches.Batch", null=True, blank=True, on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(upload_to=receipt_upload_to, max_length=255, blank=True)
    original_filename = models.CharField(max_length=255)
    # Place in its batch in the order the person chose the files: the UploadZone sends them
    # several at a time, so they may arrive, and be created, in another order.
    position = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=64, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # Attempts made before a person last asked for a retry: each retry gets RECEIPT_MAX_ATTEMPTS.
    attempts_before_retry = models.PositiveIntegerField(default=0)
    error_kind = models.CharField(max_length=16, choices=ErrorKind.choices, blank=True, default="")
    error = models.TextField(blank=True)

    ocr_text = models.TextField(blank=True)
    # "pdf-text", or the OCR engines that read the file in cascade order ("tesseract+rapidocr").
    ocr_source = models.CharField(max_length=32, blank=True)
    merchant = models.CharField(max_length=255, blank=True)
    # The merchant as printed on the receipt; `merchant` holds the canonical name made from it.
    merchant_raw = models.CharField(max_length=255, blank=True)
    merchant_address = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    tax = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    receipt_number = models.CharField(max_length=64, blank=True)
    line_items = models.JSONField(default=list, blank=True)
    confidence = models.JSONField(default=dict, blank=True)
    needs_review = models.BooleanField(default=False)
    category = models.CharField(max_length=64, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    timings = models.JSONField(default=dict, blank=True)
    # The RQ job last enqueued for it, so the sweep can ask Redis whether that job is alive.
    job_id = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # How a batch lists its receipts: as the person ordered the files.
    BATCH_ORDER = ("position", "created_at", "original_filename")

    class Meta:
        ordering = ["created_at", "original_filename"]
        indexes = [models.Index(fields=["status", "started_at"]), models.Index(fields=["user", "status"])]

    def __str__(self):
        return self.original_filename

    def get_absolute_url(self):
        return reverse("receipts:detail", args=[self.id])

    @property
    def is_pending(self):
        return self.status in self.PENDING_STATUSES

    @property
    def has_preview(self):
        """A picture can be drawn: a readable type, and not found damaged when it was read."""
        return bool(self.content_type) and self.error_kind != self.ErrorKind.UNREADABLE

    @property
    def key_confidence(self):
        """How sure the reading is of its weakest key field (merchant, date, total), 0-100."""
        scores = [self.confidence[name] for name in ("merchant", "date", "total") if name in (self.confidence or {})]
        return round(100 * min(scores)) if scores else None

    def log(self, event, message, level="info", **details):
        return ProcessingLog.objects.create(
            receipt=self, attempt=self.attempts, event=event, level=level, message=message, details=details
        )

    @property
    def attempts_left(self):
        """Attempts this receipt may still make before it fails; a person's retry gives a full set."""
        return settings.RECEIPT_MAX_ATTEMPTS - self.attempts_this_round

    @property
    def attempts_this_round(self):
        return self.attempts - self.attempts_before_retry

    # The state machine. Every change is one compare-and-set on (status, attempt), so a stale
    # attempt (a worker the sweep gave up on, a duplicate job) can never move the receipt, and
    # each change writes its log row in the same transaction. The batches app hears of each
    # change through `receipt_changed` and derives the batch's state from its receipts.

    def _move(self, from_status, event, message, level="info", details=None, **changes):
        with transaction.atomic():
            updated = Receipt.objects.filter(pk=self.pk, status=from_status, attempts=self.attempts).update(
                **changes
            )
            if updated:
                for name, value in changes.items():
                    setattr(self, name, value)
                self.log(event, message, level=level, **(details or {}))
        if updated:
            self.announce()
        return bool(updated)

    def announce(self):
        """Tell the batch its receipt changed; also said again for a finished receipt's late job."""
        if self.batch_id:
            receipt_changed.send(sender=Receipt, batch_id=self.batch_id)

    def claim_for_processing(self, job_id=""):
        """queued -> processing, attempt + 1; a second delivery of the job gets False.

        `job_id` is the claiming job's: the sweep asks RQ whether that job still runs.
        """
        return self._move(
            self.Status.QUEUED, "claimed", f"Attempt {self.attempts + 1} started.",
            status=self.Status.PROCESSING, attempts=self.attempts + 1, started_at=timezone.now(),
            error="", error_kind="", job_id=job_id or self.job_id,
        )

    def mark_completed(self, **fields):
        """Save the extracted fields, only if this attempt still owns the receipt."""
        total = fields.get("total", self.total)
        return self._move(
            self.Status.PROCESSING, "completed", "Receipt read.",
            details={"total": str(total) if total is not None else None},
            status=self.Status.COMPLETED, finished_at=timezone.now(), error="", error_kind="", **fields,
        )

    def mark_failed(self, error, **details):
        """Fail with a reason a person can read (a ReceiptError); the batch goes on without it."""
        return self._move(
            self.Status.PROCESSING, "failed", error.message, level="error",
            details={"kind": error.kind, "code": error.code, **details},
            status=self.Status.FAILED, error_kind=error.kind, error=error.message, finished_at=timezone.now(),
        )

    def release_for_retry(self, error, retry_scheduled=True):
        """processing -> queued after a transient error; failed once no attempt (or retry) is left."""
        if self.attempts_left <= 0 or not retry_scheduled:
            self.mark_failed(GaveUp(self.attempts_this_round, error.message))
            return False
        return self._move(
            self.Status.PROCESSING, "retry_scheduled", f"Will retry: {error.message}", level="warning",
            details={"code": error.code}, status=self.Status.QUEUED, started_at=None,
        )

    def release_stuck(self, reason):
        """processing -> queued when its attempt died (found by the sweep); failed after the last one."""
        if self.attempts_left <= 0:
            self.mark_failed(ReaderCrashed(self.attempts_this_round))
            return False
        return self._move(
            self.Status.PROCESSING, "requeued", f"Attempt {self.attempts} {reason}; queued again.",
            level="warning", status=self.Status.QUEUED, started_at=None, enqueued_at=None,
        )

    def forget_lost_job(self):
        """queued, handed to RQ, but RQ no longer has the job (Redis lost it): waits for a new one."""
        with transaction.atomic():
            updated = Receipt.objects.filter(
                pk=self.pk, status=self.Status.QUEUED, attempts=self.attempts, job_id=self.job_id
            ).update(enqueued_at=None)
            if updated:
                self.enqueued_at = None
                self.log("requeued", "Its job was no longer in the queue; queued again.", level="warning")
        return bool(updated)

    def requeue(self, requested_by=None, reason="manual retry"):
        """failed -> queued at a person's request, with a full set of attempts; False otherwise."""
        who = getattr(requested_by, "username", None) or "the system"
        return self._move(
            self.Status.FAILED, "retry_requested", f"Retry requested by {who} ({reason}).",
            details={"requested_by": who}, status=self.Status.QUEUED, error="", error_kind="",
            finished_at=None, started_at=None, enqueued_at=None, attempts_before_retry=self.attempts,
        )


# Sent (with batch_id) after a receipt of a batch changed state, and by the upload once it has
# added receipts: the batches app listens and derives the batch's state from its receipts.
receipt_changed = Signal()


class ProcessingLog(models.Model):
    """One row per step or state change, so a receipt's history reads top to bottom."""

    class Level(models.TextChoices):
        INFO = "info"
        WARNING = "warning"
        ERROR = "error"

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="logs")
    attempt = models.PositiveIntegerField(default=0)
    event = models.CharField(max_length=32)
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.INFO)
    message = models.TextField()
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "processing_logs"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.event}: {self.message}"


class MerchantCorrection(models.Model):
    """A person's correction of a merchant as printed: the name and category their next receipts get.

    Kept here, not only in the cache, so a Redis restart forgets nothing; the cache holds copies.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_corrections")
    # The printed name, normalised (receipts.enhance.normalise_merchant), that the correction matches.
    printed = models.CharField(max_length=255)
    merchant = models.CharField(max_length=255)
    category = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "printed"], name="one_correction_per_printed_merchant")]

    def __str__(self):
        return f"{self.printed} -> {self.merchant}"
