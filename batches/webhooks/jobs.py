"""RQ entry points for webhooks, on their own queue: `manage.py rqworker webhooks --with-scheduler`.

Receipt workers never take these jobs, so a slow or failing receiver cannot hold up a receipt.
A failed attempt raises, and RQ runs the job again after the next WEBHOOK_RETRY_INTERVALS wait.
"""

import logging
import uuid

import django_rq
from django.conf import settings
from redis.exceptions import RedisError
from rq import Retry, get_current_job

from batches.webhooks import sending
from batches.webhooks.models import Delivery
from receipts.jobs import job_is_live
from receipts_site import metrics

logger = logging.getLogger(__name__)

QUEUE_NAME = "webhooks"


class DeliveryFailed(Exception):
    """This attempt failed; RQ tries again after the next interval."""


def enqueue_delivery(delivery):
    """Queue the first attempt; False (logged) when Redis is away: the delivery waits for a resend."""
    intervals = settings.WEBHOOK_RETRY_INTERVALS
    delivery.job_id = f"webhook-{delivery.pk}-{uuid.uuid4().hex[:8]}"
    Delivery.objects.filter(pk=delivery.pk).update(job_id=delivery.job_id)
    try:
        django_rq.get_queue(QUEUE_NAME).enqueue(
            deliver,
            str(delivery.pk),
            job_id=delivery.job_id,
            retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
            job_timeout=int(settings.WEBHOOK_TIMEOUT * 2 + 30),
            description=f"Webhook {delivery.event} to {delivery.endpoint.url}",
            failure_ttl=7 * 24 * 3600,
        )
    except RedisError as exc:
        logger.warning("Webhook delivery %s not queued, Redis is not answering: %s", delivery.pk, exc)
        return False
    return True


def on_its_way(delivery):
    """True while the delivery's job is queued, running or waiting for its next attempt."""
    if delivery.status != Delivery.Status.PENDING:
        return False
    return job_is_live(delivery.job_id, django_rq.get_connection(QUEUE_NAME))


def deliver(delivery_id):
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return
    attempt = sending.post(delivery, delivery.attempts.count() + 1)
    metrics.WEBHOOK_ATTEMPTS.labels("succeeded" if attempt.succeeded else "failed").inc()
    if attempt.succeeded:
        delivery.mark(Delivery.Status.SUCCEEDED)
        return
    job = get_current_job()
    if job is not None and job.retries_left and attempt.worth_retrying:
        raise DeliveryFailed(f"Attempt {attempt.number} at {delivery.endpoint.url}: {attempt.outcome}")
    delivery.mark(Delivery.Status.FAILED, f"Gave up after {attempt.number} attempts; the last: {attempt.outcome}")
