"""Fair hand-out: one user's long batch holds only a few places in the queue, so another user's
few receipts are read long before it drains (counted by order, never timed)."""

import django_rq

from batches.services import create_batch
from receipts.jobs import requeue_lost_receipts
from receipts.models import Receipt
from tests.conftest import empty_redis_database, upload, wait_for
from tests.receipt_images import receipt_png

PER_USER = 2


def receipts_of(owner, count, prefix):
    return [upload(f"{prefix}-{n}.png", receipt_png(total=f"{n}.{n % 100:02d}"), "image/png") for n in range(count)]


def test_a_users_few_receipts_are_read_before_anothers_long_batch_drains(
    user, other_user, worker_processes, settings
):
    settings.RECEIPT_DISPATCH_PER_USER = PER_USER
    settings.RECEIPT_MAX_FILES_PER_BATCH = 200
    long_batch = create_batch(user, receipts_of(user, 200, "long"))
    short_batch = create_batch(other_user, receipts_of(other_user, 5, "short"))
    assert django_rq.get_queue("receipts").count == 2 * PER_USER  # two per user, not 205

    for _ in range(2):
        worker_processes(RECEIPT_DISPATCH_PER_USER=PER_USER)
    wait_for(
        lambda: short_batch.receipts.filter(status=Receipt.Status.COMPLETED).count() == 5,
        timeout=150, message="the short batch to be read",
    )

    last_short = short_batch.receipts.order_by("-finished_at").first().finished_at
    long_done_before = long_batch.receipts.filter(finished_at__lte=last_short).count()
    assert long_done_before <= 5 + 2 * PER_USER  # taking turns, not first-in first-out
    assert long_batch.receipts.filter(status__in=Receipt.PENDING_STATUSES).count() >= 200 - 5 - 3 * PER_USER


def test_a_user_never_has_more_jobs_in_the_queue_than_their_share(user, transactional_db, settings):
    settings.RECEIPT_DISPATCH_PER_USER = PER_USER
    batch = create_batch(user, receipts_of(user, 6, "r"))

    handed_out = batch.receipts.filter(enqueued_at__isnull=False)
    assert handed_out.count() == PER_USER
    assert list(handed_out.order_by("position").values_list("position", flat=True)) == [0, 1]  # oldest first


def test_the_sweep_hands_out_no_more_than_the_share_after_redis_lost_its_data(user, transactional_db, settings):
    settings.RECEIPT_DISPATCH_PER_USER = PER_USER
    settings.RECEIPT_REQUEUE_GRACE = 0
    batch = create_batch(user, receipts_of(user, 6, "r"))
    empty_redis_database()

    assert requeue_lost_receipts() == PER_USER
    assert requeue_lost_receipts() == 0  # their new jobs are in Redis; the others wait their turn
    assert django_rq.get_queue("receipts").count == PER_USER
    assert batch.receipts.filter(enqueued_at__isnull=True).count() == 6 - PER_USER


def queued_in_order():
    """The files whose jobs wait in RQ's queue, from its head."""
    return [Receipt.objects.get(job_id=job_id).original_filename for job_id in django_rq.get_queue("receipts").job_ids]


def test_a_user_with_few_receipts_unfinished_goes_to_the_head_of_the_queue(
    user, other_user, transactional_db, settings
):
    settings.RECEIPT_DISPATCH_PER_USER = 3
    settings.RECEIPT_EXPRESS_RECEIPTS = 5
    settings.RECEIPT_MAX_FILES_PER_BATCH = 20
    create_batch(user, receipts_of(user, 20, "long"))
    create_batch(other_user, receipts_of(other_user, 4, "short"))

    assert queued_in_order() == [
        "short-0.png", "short-1.png", "short-2.png", "long-0.png", "long-1.png", "long-2.png",
    ]  # fmt: skip


def test_a_user_with_many_receipts_unfinished_waits_at_the_end_of_the_queue(
    user, other_user, transactional_db, settings
):
    settings.RECEIPT_DISPATCH_PER_USER = 2
    settings.RECEIPT_EXPRESS_RECEIPTS = 5
    create_batch(user, receipts_of(user, 3, "first"))
    create_batch(other_user, receipts_of(other_user, 6, "second"))

    assert queued_in_order() == [
        "first-0.png", "first-1.png", "second-0.png", "second-1.png",
    ]  # fmt: skip
