"""RQ entry points. Queue, timeout and retry policy are chosen here, in one place.

Jobs take receipt ids, never objects. The database decides what needs doing; a job is only a
nudge, so a lost or duplicated job never loses or doubles a receipt.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import django_rq
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.timeouts import JobTimeoutException

from receipts import pipeline
from receipts.failures import is_retryable
from receipts.models import Receipt

logger = logging.getLogger(__name__)

QUEUE_NAME = "receipts"
SWEEP_LIMIT = 5000
LIVE_JOB_STATUSES = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
TRANSIENT_ERRORS = (pipeline.TransientError, DatabaseError, OSError, RedisError)


def get_queue():
    return django_rq.get_queue(QUEUE_NAME)


def retry_policy():
    intervals = settings.RECEIPT_RETRY_INTERVALS
    return Retry(max=len(intervals), interval=intervals) if intervals else None


def enqueue_receipts(receipts):
    """Put one job per receipt on the queue in a single Redis round trip.

    Returns False, after logging on each receipt, when Redis cannot be reached: the receipts
    stay queued in the database and the sweep enqueues them once Redis is back.
    """
    receipts = list(receipts)
    if not receipts:
        return True
    queue = get_queue()
    for receipt in receipts:
        receipt.job_id = f"receipt-{receipt.pk}-{uuid.uuid4().hex[:8]}"
    jobs = [
        Queue.prepare_data(
            process_receipt,
            args=(str(receipt.pk),),
            job_id=receipt.job_id,
            timeout=settings.RECEIPT_JOB_TIMEOUT,
            retry=retry_policy(),
            description=f"Receipt {receipt.original_filename}",
            failure_ttl=7 * 24 * 3600,
            result_ttl=3600,
        )
        for receipt in receipts
    ]
    try:
        with queue.connection.pipeline() as pipe:
            queue.enqueue_many(jobs, pipeline=pipe)
            pipe.execute()
    except RedisError as exc:
        logger.warning("Could not enqueue %d receipts: %s", len(receipts), exc)
        for receipt in receipts:
            receipt.log(
                "enqueue_delayed",
                "The job queue could not be reached; processing will start when it is back.",
                level="warning",
                error=str(exc),
            )
        return False
    now = timezone.now()
    for receipt in receipts:
        receipt.enqueued_at = now
    Receipt.objects.bulk_update(receipts, ["job_id", "enqueued_at"])
    return True


@dataclass
class RetryOutcome:
    """What a retry request did: the receipts queued again, and those left as they were."""

    retried: list = field(default_factory=list)
    permanent: list = field(default_factory=list)  # failed for a reason retrying cannot change
    not_failed: list = field(default_factory=list)


def retry_receipts(receipts, requested_by, reason):
    """Queue the failed ones among `receipts` again at a person's request, when that can succeed.

    The one path behind the admin action, the batch page's buttons and the API. A receipt that
    failed for good (not an image, too large) is left failed: its Failure says why.
    """
    outcome = RetryOutcome()
    for receipt in receipts:
        if receipt.status == Receipt.Status.FAILED and not is_retryable(receipt):
            outcome.permanent.append(receipt)
        elif receipt.requeue(requested_by, reason):
            outcome.retried.append(receipt)
        else:
            outcome.not_failed.append(receipt)
    enqueue_receipts(outcome.retried)
    return outcome


def process_receipt(receipt_id):
    """The worker's job: process one receipt; transient errors go back to RQ for a retry."""
    close_old_connections()
    try:
        pipeline.process(receipt_id)
    except JobTimeoutException:
        fail_after_timeout(receipt_id)
    except TRANSIENT_ERRORS as exc:
        if isinstance(exc, DatabaseError):
            connection.close()  # the next attempt opens a fresh connection
        handle_transient_error(receipt_id, exc)


def handle_transient_error(receipt_id, exc):
    job = get_current_job()
    receipt = Receipt.objects.select_related("batch").get(pk=receipt_id)
    reason = str(exc) or exc.__class__.__name__
    if job is not None and job.retries_left:
        receipt.release_for_retry(reason)
        raise exc
    receipt.mark_failed(
        Receipt.ErrorKind.TRANSIENT, f"Gave up after {receipt.attempts} attempts: {reason}"
    )
    pipeline.finish_batch(receipt)


def fail_after_timeout(receipt_id):
    receipt = Receipt.objects.select_related("batch").get(pk=receipt_id)
    receipt.mark_failed(
        Receipt.ErrorKind.TIMEOUT,
        f"Reading this file took longer than {settings.RECEIPT_JOB_TIMEOUT} seconds, so it was "
        "stopped. A smaller or clearer image may work.",
    )
    pipeline.finish_batch(receipt)


def requeue_lost_receipts():
    """Give work back to the queue where the database says it is owed. Idempotent.

    - processing for longer than RECEIPT_STUCK_AFTER: the worker died (its job would have timed
      out by then), so the receipt goes back to queued;
    - queued, with no live job in Redis (Redis restarted, or was down at upload): enqueue it.
    Receipts enqueued in the last few seconds are left alone: their job may still be on its way.
    """
    now = timezone.now()
    stuck_before = now - timedelta(seconds=settings.RECEIPT_STUCK_AFTER)
    stuck = [
        receipt
        for receipt in Receipt.objects.filter(status=Receipt.Status.PROCESSING, started_at__lt=stuck_before)
        if receipt.release_stuck(settings.RECEIPT_STUCK_AFTER)
    ]
    grace_before = now - timedelta(seconds=settings.RECEIPT_REQUEUE_GRACE)
    waiting = list(
        Receipt.objects.filter(status=Receipt.Status.QUEUED)
        .filter(Q(enqueued_at__isnull=True, created_at__lt=grace_before) | Q(enqueued_at__lt=grace_before))
        .order_by("created_at")[:SWEEP_LIMIT]
    )
    lost = [receipt for receipt in waiting if not has_live_job(receipt)]
    for receipt in lost:
        receipt.log("requeued", "Its job was no longer in the queue; queued again.", level="warning")
    stuck_ids = {receipt.pk for receipt in stuck}
    owed = stuck + [receipt for receipt in lost if receipt.pk not in stuck_ids]
    enqueue_receipts(owed)
    return len(owed)


def has_live_job(receipt):
    if not receipt.job_id:
        return False
    queue = get_queue()
    try:
        job = Job.fetch(receipt.job_id, connection=queue.connection)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in LIVE_JOB_STATUSES
