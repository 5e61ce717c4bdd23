"""Faults that must lose nothing: killed workers, an emptied or absent Redis, a lost database
connection, a storage error that outlasts the retries, and a receipt that takes too long."""

import os
import signal

import django_rq
from django.db import connection
from django.test import override_settings

from batches.models import Batch
from batches.services import PROCESSING_DELAYED, create_batch
from receipts.jobs import requeue_lost_receipts
from receipts.models import Receipt
from tests.conftest import WORKER_APPLICATION_NAME, empty_redis_database, upload, wait_for
from tests.receipt_images import long_receipt_png

DEAD_REDIS = "redis://127.0.0.1:1/0"


def assert_all_completed_once(batch, count):
    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED
    progress = batch.progress()
    assert (progress.total, progress.completed, progress.failed) == (count, count, 0)
    for receipt in batch.receipts.all():
        assert receipt.logs.filter(event="completed").count() == 1, receipt.original_filename


def test_killed_workers_lose_nothing(user, receipt_files, worker_processes, run_worker, settings):
    files = [upload("long.png", long_receipt_png(), "image/png")] + receipt_files(3)
    batch = create_batch(user, files)
    worker = worker_processes()
    wait_for(lambda: batch.receipts.filter(status=Receipt.Status.PROCESSING).exists(), message="a receipt in work")

    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    interrupted = list(batch.receipts.filter(status=Receipt.Status.PROCESSING))
    settings.RECEIPT_STUCK_AFTER = 0
    requeue_lost_receipts()
    run_worker()

    assert_all_completed_once(batch, 4)
    for receipt in interrupted:
        receipt.refresh_from_db()
        assert receipt.attempts == 2
        assert receipt.logs.filter(event="requeued", message__contains="its worker stopped").exists()


def test_receipts_queued_in_an_emptied_redis_are_swept_back(user, receipt_files, run_worker, settings):
    batch = create_batch(user, receipt_files(3))
    empty_redis_database()  # what a Redis restart without persistence leaves
    assert django_rq.get_queue("receipts").count == 0
    settings.RECEIPT_REQUEUE_GRACE = 0

    assert requeue_lost_receipts() == 3
    assert requeue_lost_receipts() == 0  # idempotent: their jobs are in Redis again
    run_worker()

    assert_all_completed_once(batch, 3)
    assert all(r.logs.filter(event="requeued").exists() for r in batch.receipts.all())


def test_upload_is_accepted_while_redis_is_down(api_client, receipt_files, run_worker, settings):
    dead = {"receipts": {"URL": DEAD_REDIS}}
    dead_cache = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    with override_settings(RQ_QUEUES=dead, CACHES=dead_cache):
        response = api_client.post("/api/batches", {"files": receipt_files(2)}, format="multipart")

    assert response.status_code == 201
    assert response.json()["notice"] == PROCESSING_DELAYED
    batch = Batch.objects.get(pk=response.json()["id"])
    assert set(batch.receipts.values_list("status", flat=True)) == {"queued"}
    assert all(r.logs.filter(event="enqueue_delayed").exists() for r in batch.receipts.all())
    settings.RECEIPT_REQUEUE_GRACE = 0
    assert requeue_lost_receipts() == 2
    run_worker()
    assert_all_completed_once(batch, 2)


def test_form_upload_while_redis_is_down_says_processing_is_delayed(logged_in_client, receipt_files, transactional_db):
    with override_settings(RQ_QUEUES={"receipts": {"URL": DEAD_REDIS}}):
        response = logged_in_client.post("/", {"files": receipt_files(1)}, follow=True)

    assert response.status_code == 200
    assert PROCESSING_DELAYED in response.content.decode()
    assert Receipt.objects.get().status == Receipt.Status.QUEUED


def test_lost_database_connection_is_retried(user, worker_processes, run_worker):
    batch = create_batch(user, [upload("long.png", long_receipt_png(), "image/png")])
    receipt = batch.receipts.get()
    worker_processes()
    wait_for(lambda: Receipt.objects.get(pk=receipt.pk).status == Receipt.Status.PROCESSING, message="work")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
            [WORKER_APPLICATION_NAME],
        )
        assert cursor.fetchone()[0] >= 1
    wait_for(lambda: not Receipt.objects.get(pk=receipt.pk).is_pending, timeout=180, message="the retry")

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.COMPLETED
    # Cut while reading, the attempt is given back and retried; cut just after the claim was
    # committed, the attempt goes on with a fresh connection. Either way the receipt is read once.
    retries = receipt.logs.filter(event="retry_scheduled").count()
    assert retries <= 1
    assert receipt.attempts == 1 + retries
    assert_all_completed_once(batch, 1)


def test_storage_error_through_every_retry_gives_up_with_the_reason(user, receipt_files, run_worker):
    batch = create_batch(user, receipt_files(1))
    receipt = batch.receipts.get()
    path = receipt.file.path
    os.remove(path)
    os.mkdir(path)  # reading it now fails with an OS error, as a broken mount would

    run_worker()

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.FAILED
    assert receipt.attempts == 3  # RECEIPT_MAX_ATTEMPTS, though RQ had a fourth try left
    assert receipt.error == "Gave up after 3 attempts: Could not read the file from storage (Is a directory)"
    assert receipt.logs.filter(event="retry_scheduled").count() == 2
    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED_WITH_ERRORS


def test_receipt_that_takes_too_long_fails_with_a_reason(user, run_worker):
    batch = create_batch(user, [upload("long.png", long_receipt_png(), "image/png")])

    run_worker(RECEIPT_JOB_TIMEOUT=1)

    receipt = batch.receipts.get()
    assert receipt.status == Receipt.Status.FAILED
    assert receipt.error_kind == Receipt.ErrorKind.TIMEOUT
    assert receipt.error.startswith("Reading this file took longer than 1 seconds")
