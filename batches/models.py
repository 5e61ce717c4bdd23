import uuid
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from batches import polls
from batches.signals import batch_finished
from receipts.models import Receipt, receipt_changed


class BatchQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate each batch with its receipt counts, in the same query as the batches."""
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

    def refresh_status(self):
        """Derive the batch's state from its receipts: processing while any is pending, else finished.

        The one place a batch's status changes, called when one of its receipts changed (see
        `on_receipt_changed`) and by the sweep. It takes the lock add_files_to_batch holds while
        it adds receipts, so no file slips in unseen. Returns True when the status changed.
        """
        with transaction.atomic():
            list(Batch.objects.select_for_update(no_key=True).filter(pk=self.pk).values_list("pk"))
            counts = self.receipts.aggregate(
                pending=Count("id", filter=Q(status__in=Receipt.PENDING_STATUSES)),
                failed=Count("id", filter=Q(status=Receipt.Status.FAILED)),
            )
            if counts["pending"]:
                status, finished_at = self.Status.PROCESSING, None
            else:
                failed = counts["failed"]
                status = self.Status.COMPLETED_WITH_ERRORS if failed else self.Status.COMPLETED
                finished_at = timezone.now()
            updated = Batch.objects.filter(pk=self.pk).exclude(status=status).update(
                status=status, finished_at=finished_at
            )
        if updated:
            polls.changed(self.pk)
            self.status, self.finished_at = status, finished_at
            if self.is_finished:
                transaction.on_commit(partial(announce_finished, self.pk))
        return bool(updated)

    def totals_by_currency(self):
        """Totals per currency as the batch page shows them: read receipts with a total, a
        duplicate of a receipt in the same batch counted once, amounts in the currency's minor units."""
        from batches.summary import summarize

        summary = summarize(self.receipts.order_by(*Receipt.BATCH_ORDER))
        return [{"currency": row.currency, "amount": row.amount, "count": row.count} for row in summary.totals]


def announce_finished(batch_id):
    """Tell listeners (webhooks, metrics) that a batch finished, with the whole row as saved."""
    batch_finished.send(sender=Batch, batch=Batch.objects.get(pk=batch_id))


@receiver(receipt_changed)
def on_receipt_changed(sender, batch_id, **kwargs):
    Batch(pk=batch_id).refresh_status()


class Feedback(models.Model):
    """What a person thought of batch upload, sent from a batch page; read in the admin."""

    class Rating(models.IntegerChoices):
        POOR = 1, "1 - poor"
        FAIR = 2, "2 - fair"
        GOOD = 3, "3 - good"
        VERY_GOOD = 4, "4 - very good"
        EXCELLENT = 5, "5 - excellent"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback")
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    text = models.TextField()
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"

    def __str__(self):
        return f"Feedback from {self.user} on {self.created_at:%Y-%m-%d}"
