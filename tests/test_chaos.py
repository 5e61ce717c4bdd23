"""Every receipt reaches a final state exactly once, whatever happens to readers, workers, Redis
and database connections while a batch is read (real PostgreSQL, Redis, rqworker processes and
sweep; the Redis is this suite's own, so it can be flushed and restarted).

After each fault: every receipt is completed or failed with a reason, each completed receipt's
fields were written by exactly one attempt (the one that owns it), the batch's counts equal
its receipts, the batch is finished, and the sweep finds nothing left to do.
"""

import os
import random
import signal
import time

import django_rq
import pytest
from rq.job import Job

from batches.models import Batch
from batches.services import close_finished_batches, create_batch
from receipts.jobs import process_receipt, requeue_lost_receipts
from receipts.models import Receipt
from tests.chaos import CHAOS_SETTINGS, Cluster, OwnRedis
from tests.conftest import upload, wait_for
from tests.receipt_images import long_receipt_png

pytestmark = pytest.mark.chaos

CRASHED = "Reading this file stopped the reader 3 times; it may be damaged or too large."
FINAL = (Receipt.Status.COMPLETED, Receipt.Status.FAILED)


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory):
    server = OwnRedis(tmp_path_factory.mktemp("chaos-redis"))
    yield server
    server.stop()


@pytest.fixture
def cluster(own_redis, transactional_db, settings):
    own_redis.flushall()
    settings.REDIS_URL = own_redis.url
    settings.RQ_QUEUES = {name: {**queue, "URL": own_redis.url} for name, queue in settings.RQ_QUEUES.items()}
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": own_redis.url}}
    for name, value in CHAOS_SETTINGS.items():
        setattr(settings, name, [int(s) for s in value.split(",")] if name == "RECEIPT_RETRY_INTERVALS" else value)
    running = Cluster(own_redis)
    yield running
    running.shutdown()


def settled(batch):
    return not batch.receipts.exclude(status__in=FINAL).exists() and Batch.objects.get(pk=batch.pk).is_finished


def wait_until_settled(batch, during=lambda: None, timeout=120):
    def check():
        during()
        return settled(batch)

    wait_for(check, timeout=timeout, interval=0.1, message="every receipt to be final and the batch finished")


def assert_settled(batch):
    batch.refresh_from_db()
    receipts = list(batch.receipts.all())
    assert batch.is_finished
    for receipt in receipts:
        assert receipt.status in FINAL, receipt.original_filename
        if receipt.status == Receipt.Status.FAILED:
            assert receipt.error, receipt.original_filename
            continue
        completions = list(receipt.logs.filter(event="completed").values_list("attempt", flat=True))
        assert completions == [receipt.attempts], receipt.original_filename  # one write, by the owner
    progress = batch.progress()
    failed = sum(receipt.status == Receipt.Status.FAILED for receipt in receipts)
    assert (progress.total, progress.completed, progress.failed) == (len(receipts), len(receipts) - failed, failed)
    expected = Batch.Status.COMPLETED_WITH_ERRORS if failed else Batch.Status.COMPLETED
    assert batch.status == expected
    assert requeue_lost_receipts() == 0
    assert close_finished_batches() == 0


def processing(batch):
    return list(batch.receipts.filter(status=Receipt.Status.PROCESSING))


def test_readers_killed_at_random_moments_and_a_file_that_kills_every_attempt(user, receipt_files, cluster):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    batch = create_batch(user, [upload("poison.png", long_receipt_png(), "image/png"), *receipt_files(6)])
    poison = batch.receipts.get(original_filename="poison.png")
    cluster.start_worker()
    cluster.start_worker()
    cluster.start_sweep()
    decided, victims = set(), set()

    def strike():
        for receipt in processing(batch):
            attempt = (receipt.pk, receipt.attempts)
            if attempt in decided:
                continue
            if receipt.pk != poison.pk and (receipt.pk in victims or (victims - {poison.pk} and rng.random() < 0.5)):
                decided.add(attempt)  # spared: each good file is killed once at most
                continue
            time.sleep(rng.uniform(0, 0.3))  # somewhere in the attempt
            receipt.refresh_from_db()
            if (receipt.pk, receipt.attempts) == attempt and cluster.kill_reader(receipt):
                decided.add(attempt)
                victims.add(receipt.pk)
        cluster.revive_dead_workers()

    wait_until_settled(batch, during=strike)

    assert_settled(batch)
    poison.refresh_from_db()
    assert (poison.status, poison.attempts, poison.error_kind) == ("failed", 3, Receipt.ErrorKind.CRASHED), seed
    assert poison.error == CRASHED
    others = batch.receipts.exclude(pk=poison.pk)
    assert set(others.values_list("status", flat=True)) == {"completed"}, seed
    assert len(victims) >= 2, seed  # the poison file and at least one file killed once
    for receipt in others.filter(pk__in=victims):
        assert receipt.attempts >= 2, seed
        assert receipt.logs.filter(event="requeued", message__contains="ended without a result").exists(), seed


def test_a_stopped_worker_is_overtaken_and_its_late_result_refused(user, cluster, settings):
    batch = create_batch(user, [upload("slow.png", long_receipt_png(), "image/png")])
    receipt = batch.receipts.get()
    stopped = cluster.start_worker()
    wait_for(lambda: receipt.logs.filter(attempt=1, event="read_file").exists(), timeout=60, message="attempt 1")
    cluster.stop_worker(stopped, signal.SIGSTOP)  # reading, between two database writes
    cluster.start_worker()

    settings.RECEIPT_STUCK_AFTER = 2
    wait_for(lambda: requeue_lost_receipts() == 1, timeout=30, message="the sweep to release attempt 1")
    wait_for(lambda: Receipt.objects.get(pk=receipt.pk).status == "completed", timeout=90, message="attempt 2")
    cluster.stop_worker(stopped, signal.SIGCONT)
    wait_for(lambda: receipt.logs.filter(attempt=1, event="ocr").exists(), timeout=60, message="attempt 1 to end")
    wait_for(lambda: cluster.current_job_id(stopped) is None, timeout=30, message="the late reader to finish")

    assert_settled(batch)
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == ("completed", 2)
    assert receipt.logs.filter(event="requeued", message__contains="did not finish within 2 seconds").count() == 1


def test_redis_flushed_and_restarted_mid_batch(user, receipt_files, cluster, own_redis):
    batch = create_batch(user, receipt_files(8))
    cluster.start_worker()
    cluster.start_worker()
    cluster.start_sweep()
    completed = batch.receipts.filter(status=Receipt.Status.COMPLETED)

    wait_for(lambda: completed.count() >= 2, timeout=90, message="two receipts read")
    own_redis.flushall()
    wait_for(lambda: completed.count() >= 5, timeout=90, message="five receipts read after the flush")
    own_redis.restart()
    wait_until_settled(batch, during=cluster.revive_dead_workers)

    assert_settled(batch)
    assert set(batch.receipts.values_list("status", flat=True)) == {"completed"}


def test_database_connections_cut_mid_batch(user, receipt_files, cluster):
    batch = create_batch(user, receipt_files(8))
    cluster.start_worker()
    cluster.start_worker()
    cluster.start_sweep()
    cuts = []

    def cut():
        busy = processing(batch)
        if len(cuts) < 2 and busy and busy[0].pk not in cuts:
            if cluster.terminate_database_connections():
                cuts.append(busy[0].pk)

    wait_until_settled(batch, during=cut)

    assert_settled(batch)
    assert len(cuts) == 2
    assert set(batch.receipts.values_list("status", flat=True)) == {"completed"}
    retried = Receipt.objects.filter(batch=batch, logs__event__in=["retry_scheduled", "requeued"]).distinct()
    assert retried.exists()


def test_every_job_delivered_twice(user, receipt_files, cluster):
    batch = create_batch(user, receipt_files(6))
    queue = django_rq.get_queue("receipts")
    for n, receipt in enumerate(batch.receipts.order_by("position")):
        if receipt.job_id and n % 2:
            queue.enqueue_job(Job.fetch(receipt.job_id, connection=queue.connection))  # the same job again
        else:
            queue.enqueue(process_receipt, str(receipt.pk))  # another job for the same receipt
    assert queue.count == 3 + 6  # the user's share of the queue, and a second job for each receipt
    cluster.start_worker()
    cluster.start_worker()
    cluster.start_sweep()

    wait_until_settled(batch)

    assert_settled(batch)
    assert set(batch.receipts.values_list("status", "attempts")) == {("completed", 1)}
