import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone


class BatchQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate each batch with its receipt counts, in the same query as the batches."""
        from receipts.models import Receipt

        # Aggregating queries drop Meta.ordering, so the order is restated here.
        return self.order_by("-created_at").annotate(
            receipts_total=Count("receipts"),
            receipts_completed=Count("receipts", filter=Q(receipts__status=Receipt.Status.COMPLETED)),
            receipts_failed=Count("receipts", filter=Q(receipts__status=Receipt.Status.FAILED)),
        )


class Progress:
    """How far a batch has come, counted from its receipts (never from stored counters)."""

    def __init__(self, total, completed, failed):
        self.total = total
        self.completed = completed
        self.failed = failed

    @property
    def processed(self):
        return self.completed + self.failed

    @property
    def pending(self):
        return self.total - self.processed

    @property
    def percent(self):
        return round(100 * self.processed / self.total) if self.total else 100

    def __repr__(self):
        return f"<Progress {self.processed}/{self.total} failed={self.failed}>"


class Batch(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing"
        COMPLETED = "completed"
        COMPLETED_WITH_ERRORS = "completed_with_errors"

    class Source(models.TextChoices):
        WEB = "web"
        API = "api"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batches")
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.PROCESSING)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    # A script's own name for the batch (an invoice or expense report id), unique per user.
    client_reference = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "batches"
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_reference"],
                condition=~models.Q(client_reference=""),
                name="batch_client_reference_unique_per_user",
            )
        ]

    def __str__(self):
        return f"Batch {self.id} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("batches:detail", args=[self.id])

    @property
    def is_finished(self):
        return self.status != self.Status.PROCESSING

    def progress(self):
        """Counts from the receipts; uses annotations from with_progress() when present."""
        if hasattr(self, "receipts_total"):
            return Progress(self.receipts_total, self.receipts_completed, self.receipts_failed)
        from receipts.models import Receipt

        counts = self.receipts.aggregate(
            total=Count("id"),
            completed=Count("id", filter=Q(status=Receipt.Status.COMPLETED)),
            failed=Count("id", filter=Q(status=Receipt.Status.FAILED)),
        )
        return Progress(counts["total"], counts["completed"], counts["failed"])

    def change_tag(self):
        """A short tag that changes whenever anything shown about the batch changes, in one query.

        Every change to a receipt writes a ProcessingLog row (arrival, each step, retry,
        correction), and a deleted receipt takes its rows with it, so the newest row and the
        number of rows, with the batch's own status, tell whether anything moved.
        """
        from receipts.models import ProcessingLog

        seen = ProcessingLog.objects.filter(receipt__batch_id=self.pk).aggregate(last=Max("id"), rows=Count("id"))
        finished = self.finished_at.timestamp() if self.finished_at else 0
        return f"{self.status[:1]}{finished:.0f}-{seen['rows']}-{seen['last'] or 0}"

    def finish_if_done(self):
        """Close the batch once no receipt is waiting or running. Safe to call from any worker."""
        from receipts.models import Receipt

        with transaction.atomic():
            # The lock add_files_to_batch holds while it adds receipts: no file slips in unseen.
            list(Batch.objects.select_for_update(no_key=True).filter(pk=self.pk).values_list("pk"))
            if self.receipts.filter(status__in=Receipt.PENDING_STATUSES).exists():
                return False
            failed = self.receipts.filter(status=Receipt.Status.FAILED).exists()
            status = self.Status.COMPLETED_WITH_ERRORS if failed else self.Status.COMPLETED
            finished_at = timezone.now()
            updated = Batch.objects.filter(pk=self.pk, status=self.Status.PROCESSING).update(
                status=status, finished_at=finished_at
            )
        if updated:
            self.status, self.finished_at = status, finished_at
        return bool(updated)

    def reopen(self):
        """A receipt of a finished batch was queued again: the batch is processing once more."""
        Batch.objects.filter(pk=self.pk).exclude(status=self.Status.PROCESSING).update(
            status=self.Status.PROCESSING, finished_at=None
        )
        self.status, self.finished_at = self.Status.PROCESSING, None
