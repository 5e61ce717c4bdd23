"""RQ entry points. Queue, timeout and retry policy are chosen here, in one place.

Jobs take receipt ids, never objects. The database decides what needs doing; a job is only a
nudge, so a lost or duplicated job never loses or doubles a receipt.
"""

import logging
import uuid
from collections import Counter
from datetime import timedelta

import django_rq
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from receipts import pipeline
from receipts.limits import reserve_pending
from receipts.models import Receipt

logger = logging.getLogger(__name__)

QUEUE_NAME = "receipts"
SWEEP_LIMIT = 5000
LIVE_JOB_STATUSES = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


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


def retry_receipts(receipts, requested_by, reason):
    """Queue the failed ones among `receipts` again at a person's request; returns those retried.

    The one path behind the admin action, the batch page's buttons and the API. Retries count
    against the owner's cap on waiting receipts like uploads do (TooManyPending).
    """
    failed = [receipt for receipt in receipts if receipt.status == Receipt.Status.FAILED]
    if not failed:
        return []
    with transaction.atomic():
        for owner_id, adding in Counter(receipt.user_id for receipt in failed).items():
            reserve_pending(owner_id, adding)
        retried = [receipt for receipt in failed if receipt.requeue(requested_by, reason)]
    enqueue_receipts(retried)
    return retried


def process_receipt(receipt_id):
    """The worker's job: process one receipt; transient errors go back to RQ for a retry."""
    close_old_connections()
    job = get_current_job()
    try:
        pipeline.process(receipt_id, retry_scheduled=bool(job and job.retries_left), job_id=job.id if job else "")
    except DatabaseError:
        connection.close()  # the next attempt opens a fresh connection
        raise


def requeue_lost_receipts():
    """Give work back to the queue where the database says it is owed. Idempotent.

    - processing, but its attempt is over: its job is no longer running (the reader was killed,
      Redis lost the job) or it ran past RECEIPT_STUCK_AFTER (a hung or stopped worker). It goes
      back to queued, or fails once it has used all its attempts;
    - queued, with no live job in Redis (Redis restarted, or was down at upload): enqueue it.
    Receipts enqueued or started in the last few seconds are left alone: their job may be on its way.
    """
    now = timezone.now()
    grace_before = now - timedelta(seconds=settings.RECEIPT_REQUEUE_GRACE)
    stuck = release_dead_attempts(now, grace_before)
    waiting = list(
        Receipt.objects.filter(status=Receipt.Status.QUEUED)
        .filter(Q(enqueued_at__isnull=True, created_at__lt=grace_before) | Q(enqueued_at__lt=grace_before))
        .order_by("created_at")[:SWEEP_LIMIT]
    )
    stuck_ids = {receipt.pk for receipt in stuck}
    lost = [receipt for receipt in waiting if receipt.pk not in stuck_ids and not has_live_job(receipt)]
    for receipt in lost:
        receipt.log("requeued", "Its job was no longer in the queue; queued again.", level="warning")
    enqueue_receipts(stuck + lost)
    return len(stuck) + len(lost)


def release_dead_attempts(now, grace_before):
    """Processing receipts whose attempt is over, released (or failed); returns those queued again."""
    stuck_after = settings.RECEIPT_STUCK_AFTER
    stuck_before = now - timedelta(seconds=stuck_after)
    running = running_job_ids()
    released = []
    for receipt in Receipt.objects.filter(status=Receipt.Status.PROCESSING):
        if receipt.started_at < stuck_before:
            reason = f"did not finish within {stuck_after} seconds (its worker stopped)"
        elif receipt.started_at < grace_before and receipt.job_id not in running:
            reason = "ended without a result (its reader stopped)"
        else:
            continue
        if receipt.release_stuck(reason):
            released.append(receipt)
    return released


def running_job_ids():
    """Ids of the jobs a worker is executing right now, by RQ's registry of started jobs."""
    return set(get_queue().started_job_registry.get_job_ids(cleanup=False))


def has_live_job(receipt):
    if not receipt.job_id:
        return False
    queue = get_queue()
    try:
        job = Job.fetch(receipt.job_id, connection=queue.connection)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in LIVE_JOB_STATUSES
