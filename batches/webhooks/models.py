"""Webhook endpoints a user registers, the deliveries made to them, and every attempt at each."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Event(models.TextChoices):
    BATCH_FINISHED = "batch.finished", "A batch finished"
    RECEIPT_FAILED = "receipt.failed", "A receipt failed"


def all_events():
    return list(Event.values)


def new_secret():
    return f"whsec_{secrets.token_urlsafe(32)}"


class Endpoint(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=all_events)
    # Signs every delivery (see README "Webhooks"); shown to its owner only.
    secret = models.CharField(max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("webhooks:detail", args=[self.pk])


class Delivery(models.Model):
    """One event for one endpoint; its id is the event id the receiver sees, the same on every attempt."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    error = models.TextField(blank=True)
    # The RQ job last queued for it, so a resend can tell a delivery on its way from a lost one.
    job_id = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.event} to {self.endpoint.url} ({self.status})"

    def mark(self, status, error=""):
        """Record how the delivery ended (succeeded, or failed after its last attempt)."""
        self.status, self.error, self.finished_at = status, error, timezone.now()
        self.save(update_fields=["status", "error", "finished_at"])

    def reopen(self):
        """pending again, for a resend (its attempts so far are kept)."""
        self.status, self.error, self.finished_at = self.Status.PENDING, "", None
        self.save(update_fields=["status", "error", "finished_at"])


class Attempt(models.Model):
    """One HTTP request to the receiver, kept whatever happened, so its owner can see why."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"Attempt {self.number}: {self.outcome}"

    @property
    def outcome(self):
        if self.succeeded:
            return f"HTTP {self.status_code}"
        return self.error or f"HTTP {self.status_code}"
