"""Turn what happens to batches and receipts into deliveries for the owner's endpoints.

Making a delivery is one insert and, after commit, one job on the webhooks queue: the worker
that finished the batch or failed the receipt goes straight on to its next receipt.
"""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from batches.signals import batch_finished
from batches.webhooks.jobs import enqueue_delivery
from batches.webhooks.models import Delivery, Endpoint, Event
from receipts.models import ProcessingLog


def iso(moment):
    return moment.isoformat() if moment else None


def batch_summary(batch):
    progress = batch.progress()
    return {
        "id": str(batch.pk),
        "status": batch.status,
        "total": progress.total,
        "completed": progress.completed,
        "failed": progress.failed,
        "totals": [
            {"currency": row["currency"], "amount": str(row["amount"]), "count": row["count"]}
            for row in batch.totals_by_currency()
        ],
        "created_at": iso(batch.created_at),
        "finished_at": iso(batch.finished_at),
        "url": settings.SITE_URL + batch.get_absolute_url(),
        "api_url": settings.SITE_URL + reverse("api-batch-detail", args=[batch.pk]),
    }


def receipt_summary(receipt):
    return {
        "id": str(receipt.pk),
        "batch": str(receipt.batch_id) if receipt.batch_id else None,
        "original_filename": receipt.original_filename,
        "status": receipt.status,
        "error_kind": receipt.error_kind,
        "error": receipt.error,
        "attempts": receipt.attempts,
        "url": settings.SITE_URL + receipt.get_absolute_url(),
    }


def emit(user_id, event, data):
    """One delivery per active endpoint of the user that wants this event; queued after commit."""
    endpoints = [e for e in Endpoint.objects.filter(user_id=user_id, is_active=True) if event in e.events]
    for endpoint in endpoints:
        delivery = Delivery(endpoint=endpoint, event=event)
        delivery.payload = {"id": str(delivery.pk), "type": event, "created": iso(timezone.now()), "data": data}
        delivery.save()
        transaction.on_commit(partial(enqueue_delivery, delivery))


@receiver(batch_finished, dispatch_uid="webhooks-batch-finished")
def on_batch_finished(sender, batch, **kwargs):
    emit(batch.user_id, Event.BATCH_FINISHED, batch_summary(batch))


@receiver(post_save, sender=ProcessingLog, dispatch_uid="webhooks-receipt-failed")
def on_receipt_failed(sender, instance, created, **kwargs):
    if created and instance.event == "failed":
        receipt = instance.receipt
        emit(receipt.user_id, Event.RECEIPT_FAILED, receipt_summary(receipt))
