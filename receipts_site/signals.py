"""Receivers that turn what happens to receipts and batches into metrics."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from batches.signals import batch_finished
from receipts.models import ProcessingLog
from receipts_site import metrics


@receiver(post_save, sender=ProcessingLog, dispatch_uid="metrics-log-entry")
def count_log_entry(sender, instance, created, **kwargs):
    if created:
        metrics.record_log_entry(instance)


@receiver(batch_finished, dispatch_uid="metrics-batch-finished")
def count_finished_batch(sender, batch, **kwargs):
    metrics.record_batch_finished(batch)
