import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone


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
        TIMEOUT = "timeout", "Timed out"
        TRANSIENT = "transient", "Gave up after retries"
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
    def key_confidence(self):
        """How sure the reading is of its weakest key field (merchant, date, total), 0-100."""
        scores = [self.confidence[name] for name in ("merchant", "date", "total") if name in (self.confidence or {})]
        return round(100 * min(scores)) if scores else None

    def log(self, event, message, level="info", **details):
        return ProcessingLog.objects.create(
            receipt=self, attempt=self.attempts, event=event, level=level, message=message, details=details
        )

    def claim_for_processing(self):
        """queued -> processing in one conditional update; a second delivery of the job gets False."""
        now = timezone.now()
        claimed = Receipt.objects.filter(pk=self.pk, status=self.Status.QUEUED).update(
            status=self.Status.PROCESSING, attempts=F("attempts") + 1, started_at=now, error="", error_kind=""
        )
        if claimed:
            self.refresh_from_db(fields=["status", "attempts", "started_at", "error", "error_kind"])
            self.log("claimed", f"Attempt {self.attempts} started.")
        return bool(claimed)

    def mark_completed(self, **fields):
        """Save the extracted fields, only if this attempt still owns the receipt."""
        now = timezone.now()
        with transaction.atomic():
            updated = Receipt.objects.filter(
                pk=self.pk, status=self.Status.PROCESSING, attempts=self.attempts
            ).update(status=self.Status.COMPLETED, finished_at=now, error="", error_kind="", **fields)
            if updated:
                for name, value in fields.items():
                    setattr(self, name, value)
                self.status, self.finished_at = self.Status.COMPLETED, now
                self.log("completed", "Receipt read.", total=str(self.total) if self.total else None)
        return bool(updated)

    def mark_failed(self, kind, message, **details):
        """Fail with a reason a person can read; the batch goes on without this receipt."""
        now = timezone.now()
        with transaction.atomic():
            updated = Receipt.objects.filter(pk=self.pk, status__in=self.PENDING_STATUSES).update(
                status=self.Status.FAILED, error_kind=kind, error=message, finished_at=now
            )
            if updated:
                self.status, self.error_kind, self.error, self.finished_at = (
                    self.Status.FAILED, kind, message, now
                )
                self.log("failed", message, level="error", kind=kind, **details)
        return bool(updated)

    def release_for_retry(self, reason):
        """processing -> queued after a transient error, so the automatic retry can claim it."""
        updated = Receipt.objects.filter(pk=self.pk, status=self.Status.PROCESSING).update(
            status=self.Status.QUEUED, started_at=None
        )
        if updated:
            self.status = self.Status.QUEUED
            self.log("retry_scheduled", f"Will retry: {reason}", level="warning")
        return bool(updated)

    def release_stuck(self, seconds):
        """processing -> queued when its worker died mid-attempt (found by the recovery sweep)."""
        updated = Receipt.objects.filter(
            pk=self.pk, status=self.Status.PROCESSING, started_at=self.started_at
        ).update(status=self.Status.QUEUED, started_at=None, enqueued_at=None)
        if updated:
            self.status = self.Status.QUEUED
            self.log(
                "requeued",
                f"Attempt {self.attempts} did not finish within {seconds} seconds "
                "(its worker stopped); queued again.",
                level="warning",
            )
        return bool(updated)

    def requeue(self, requested_by=None, reason="manual retry"):
        """failed -> queued at a person's request; returns False for any other status."""
        with transaction.atomic():
            updated = Receipt.objects.filter(pk=self.pk, status=self.Status.FAILED).update(
                status=self.Status.QUEUED, error="", error_kind="", finished_at=None, started_at=None
            )
            if not updated:
                return False
            self.status, self.error, self.error_kind = self.Status.QUEUED, "", ""
            who = getattr(requested_by, "username", None) or "the system"
            self.log("retry_requested", f"Retry requested by {who} ({reason}).", requested_by=who)
            if self.batch_id:
                self.batch.reopen()
        return True


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
