"""RQ entry points. Queue, timeout and retry policy are chosen here, in one place.

Jobs take receipt ids, never objects. The database decides what needs doing; a job is only a
nudge, so a lost or duplicated job never loses or doubles a receipt.
"""

import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import django_rq
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from receipts import pipeline
from receipts.failures import is_retryable
from receipts.limits import reserve_pending
from receipts.models import Receipt

logger = logging.getLogger(__name__)

QUEUE_NAME = "receipts"
SWEEP_LIMIT = 5000
# Receipts with a job in RQ (or being read): what counts against a user's room in the queue.
HANDED_OUT = Q(status=Receipt.Status.PROCESSING) | Q(status=Receipt.Status.QUEUED, enqueued_at__isnull=False)
LIVE_JOB_STATUSES = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def get_queue():
    return django_rq.get_queue(QUEUE_NAME)


def retry_policy():
    intervals = settings.RECEIPT_RETRY_INTERVALS
    return Retry(max=len(intervals), interval=intervals) if intervals else None


def enqueue_receipts(receipts, at_front=False):
    """Put one job per receipt on the queue in a single Redis round trip, at its end or, with
    `at_front`, at its head (the first receipt first either way).

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
            at_front=at_front,
        )
        for receipt in receipts
    ]
    if at_front:
        jobs.reverse()  # each goes in at the head: the last one in is the first one out
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


def dispatch(user_ids):
    """Top each user's jobs in RQ's queue up to RECEIPT_DISPATCH_PER_USER, oldest receipts first.

    Fair hand-out (docs/scheduling.md): one user's long batch holds at most that many places in
    the queue, so another user's receipts queue behind a few of its jobs, not all of them; and a
    user with no more than RECEIPT_EXPRESS_RECEIPTS unfinished receipts has them put at the head
    of the queue, so a few receipts are read in seconds even while the workers are busy with
    others' long batches. Called after an upload or retry, by a worker once its receipt is done,
    and by the sweep. A user's dispatch holds their row lock, so two never hand out the same room.
    Returns how many jobs were enqueued, or None when Redis did not answer (the receipts wait in
    the database for the sweep).
    """
    enqueued = 0
    for user_id in sorted(set(user_ids)):
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk").first()
            mine = Receipt.objects.filter(user_id=user_id)
            counts = mine.aggregate(
                handed_out=Count("pk", filter=HANDED_OUT),
                unfinished=Count("pk", filter=Q(status__in=Receipt.PENDING_STATUSES)),
            )
            room = settings.RECEIPT_DISPATCH_PER_USER - counts["handed_out"]
            if room <= 0:
                continue
            waiting = mine.filter(status=Receipt.Status.QUEUED, enqueued_at__isnull=True)
            chosen = list(waiting.order_by("created_at", "position")[:room])
            if not enqueue_receipts(chosen, at_front=counts["unfinished"] <= settings.RECEIPT_EXPRESS_RECEIPTS):
                return None
            enqueued += len(chosen)
    return enqueued


def top_up(receipt_id):
    """A worker finished with a receipt: its owner may have room for the next one."""
    user_id = Receipt.objects.filter(pk=receipt_id).values_list("user_id", flat=True).first()
    if user_id is not None:
        dispatch([user_id])


@dataclass
class RetryOutcome:
    """What a retry request did: the receipts queued again, and those left as they were."""

    retried: list = field(default_factory=list)
    permanent: list = field(default_factory=list)  # failed for a reason retrying cannot change
    not_failed: list = field(default_factory=list)


def retry_receipts(receipts, requested_by, reason):
    """Queue the failed ones among `receipts` again at a person's request, when that can succeed.

    The one path behind the admin action, the batch page's buttons and the API. A receipt that
    failed for good (not an image, too large) is left failed: its Failure says why. Retries
    count against the owner's cap on waiting receipts like uploads do (TooManyPending).
    """
    outcome = RetryOutcome()
    wanted = []
    for receipt in receipts:
        if receipt.status != Receipt.Status.FAILED:
            outcome.not_failed.append(receipt)
        elif is_retryable(receipt):
            wanted.append(receipt)
        else:
            outcome.permanent.append(receipt)
    if not wanted:
        return outcome
    with transaction.atomic():
        for owner_id, adding in Counter(receipt.user_id for receipt in wanted).items():
            reserve_pending(owner_id, adding)
        for receipt in wanted:
            (outcome.retried if receipt.requeue(requested_by, reason) else outcome.not_failed).append(receipt)
    dispatch(receipt.user_id for receipt in outcome.retried)
    return outcome


def process_receipt(receipt_id):
    """The worker's job: process one receipt; transient errors go back to RQ for a retry."""
    close_old_connections()
    job = get_current_job()
    try:
        pipeline.process(receipt_id, retry_scheduled=bool(job and job.retries_left), job_id=job.id if job else "")
    except DatabaseError:
        connection.close()  # the next attempt opens a fresh connection
        raise
    top_up(receipt_id)


def requeue_lost_receipts():
    """Give work back to the queue where the database says it is owed. Idempotent.

    - processing, but its attempt is over: its job is no longer running (the reader was killed,
      Redis lost the job) or it ran past RECEIPT_STUCK_AFTER (a hung or stopped worker). It goes
      back to queued, or fails once it has used all its attempts;
    - queued and handed to RQ, with no live job there (Redis restarted or lost its data): it
      waits to be handed out again. Receipts enqueued in the last few seconds are left alone.
    Then every user with waiting receipts is topped up (dispatch); returns how many jobs that took.
    """
    now = timezone.now()
    grace_before = now - timedelta(seconds=settings.RECEIPT_REQUEUE_GRACE)
    release_dead_attempts(now, grace_before)
    dispatched = Receipt.objects.filter(status=Receipt.Status.QUEUED, enqueued_at__lt=grace_before)
    for receipt in dispatched.order_by("enqueued_at")[:SWEEP_LIMIT]:
        if not has_live_job(receipt):
            receipt.forget_lost_job()
    waiting = Receipt.objects.filter(status=Receipt.Status.QUEUED, enqueued_at__isnull=True)
    return dispatch(waiting.values_list("user_id", flat=True).distinct()) or 0


def release_dead_attempts(now, grace_before):
    """Processing receipts whose attempt is over, released to wait for a new job (or failed)."""
    stuck_after = settings.RECEIPT_STUCK_AFTER
    stuck_before = now - timedelta(seconds=stuck_after)
    running = running_job_ids()
    for receipt in Receipt.objects.filter(status=Receipt.Status.PROCESSING):
        if receipt.started_at < stuck_before:
            reason = f"did not finish within {stuck_after} seconds (its worker stopped)"
        elif receipt.started_at < grace_before and receipt.job_id not in running:
            reason = "ended without a result (its reader stopped)"
        else:
            continue
        receipt.release_stuck(reason)


def running_job_ids():
    """Ids of the jobs a live worker is executing right now, by RQ's registry of started jobs.

    A worker renews each job it runs there every few seconds (receipts/worker.py); an entry
    whose time has lapsed belongs to a worker that died mid-job, and does not count.
    """
    registry = get_queue().started_job_registry
    live = registry.connection.zrangebyscore(registry.key, time.time(), "+inf")
    return {registry.parse_job_id(entry) for entry in live}


def has_live_job(receipt):
    return job_is_live(receipt.job_id, get_queue().connection)


def job_is_live(job_id, redis_connection):
    """True while the job is queued, running or waiting in RQ for a retry; False once it is gone."""
    if not job_id:
        return False
    try:
        job = Job.fetch(job_id, connection=redis_connection)
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in LIVE_JOB_STATUSES
