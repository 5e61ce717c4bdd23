"""The receipt state machine: only the current attempt moves a receipt, and attempts are bounded."""

import pytest
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.timeouts import JobTimeoutException

from batches.models import Batch
from batches.services import create_batch
from receipts import pipeline
from receipts.errors import TimedOut, TransientError
from receipts.jobs import requeue_lost_receipts, retry_receipts
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png

CRASHED = "Reading this file stopped the reader 3 times; it may be damaged or too large."


@pytest.fixture
def receipt(user, transactional_db):
    return create_batch(user, [upload("lunch.png", receipt_png(), "image/png")]).receipts.get()


def attempt(receipt):
    """What a worker holds once it has claimed the receipt: its own copy, with its attempt number."""
    held = Receipt.objects.get(pk=receipt.pk)
    assert held.claim_for_processing()
    return held


def test_an_outdated_attempt_cannot_fail_a_newer_one(receipt, settings):
    first = attempt(receipt)
    settings.RECEIPT_STUCK_AFTER = 0
    assert requeue_lost_receipts() == 1  # the sweep gives up on attempt 1
    second = attempt(receipt)

    assert first.mark_failed(TimedOut(180)) is False
    assert first.release_for_retry(TransientError("storage")) is False
    assert second.mark_completed(merchant="Corner Grocery") is True

    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts, receipt.merchant) == (Receipt.Status.COMPLETED, 2, "Corner Grocery")
    assert list(receipt.logs.filter(event__in=["failed", "retry_scheduled"])) == []
    assert receipt.logs.filter(event="completed", attempt=2).count() == 1


def test_an_outdated_attempt_cannot_complete_a_released_receipt(receipt, settings):
    first = attempt(receipt)
    settings.RECEIPT_STUCK_AFTER = 0
    requeue_lost_receipts()

    assert first.mark_completed(merchant="Stale") is False
    receipt.refresh_from_db()
    assert (receipt.status, receipt.merchant) == (Receipt.Status.QUEUED, "")


def test_a_receipt_whose_reader_dies_every_time_fails_after_three_attempts(receipt, settings):
    settings.RECEIPT_REQUEUE_GRACE = 0
    for _ in range(3):
        attempt(receipt)  # claimed, then its job vanishes: no worker runs it any more
        requeue_lost_receipts()

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.FAILED
    assert receipt.attempts == 3
    assert receipt.error_kind == Receipt.ErrorKind.CRASHED
    assert receipt.error == CRASHED
    assert receipt.logs.filter(event="requeued", message__contains="ended without a result").count() == 2
    assert receipt.batch.status == Batch.Status.COMPLETED_WITH_ERRORS
    assert requeue_lost_receipts() == 0


def test_a_receipt_left_at_many_attempts_is_failed_by_the_sweep(receipt, settings):
    held = attempt(receipt)
    Receipt.objects.filter(pk=held.pk).update(attempts=5)  # what the sweep used to leave behind
    settings.RECEIPT_STUCK_AFTER = 0

    requeue_lost_receipts()

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.FAILED
    assert receipt.error == "Reading this file stopped the reader 5 times; it may be damaged or too large."


def test_a_persons_retry_gives_a_full_set_of_attempts(receipt, user, settings):
    settings.RECEIPT_REQUEUE_GRACE = 0
    for _ in range(3):
        attempt(receipt)
        requeue_lost_receipts()

    assert retry_receipts([Receipt.objects.get(pk=receipt.pk)], user, "test") != []
    attempt(receipt)
    requeue_lost_receipts()

    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == (Receipt.Status.QUEUED, 4)


def test_exceptions_and_crashes_share_the_attempts(receipt, settings, monkeypatch):
    settings.RECEIPT_REQUEUE_GRACE = 0
    attempt(receipt)
    requeue_lost_receipts()  # a crash

    def storage_down(held):
        raise TransientError("Could not read the file from storage (Input/output error)")

    monkeypatch.setattr(pipeline, "read_and_save", storage_down)
    with pytest.raises(TransientError):
        pipeline.process(receipt.pk, retry_scheduled=True)
    pipeline.process(receipt.pk, retry_scheduled=True)  # the third attempt: no more retries

    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == (Receipt.Status.FAILED, 3)
    assert receipt.error == "Gave up after 3 attempts: Could not read the file from storage (Input/output error)"


def test_a_job_timeout_fails_with_the_timeout_sentence(receipt, monkeypatch):
    def too_slow(held):
        raise JobTimeoutException("Task exceeded maximum timeout value (180 seconds)")

    monkeypatch.setattr(pipeline, "read_and_save", too_slow)
    with override_settings(RECEIPT_JOB_TIMEOUT=180):
        pipeline.process(receipt.pk)

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.FAILED
    assert receipt.error_kind == Receipt.ErrorKind.TIMEOUT
    assert receipt.error == (
        "Reading this file took longer than 180 seconds, so it was stopped. A smaller or clearer image may work."
    )
    assert receipt.logs.get(event="failed").details["code"] == "timed_out"


def test_a_redis_error_while_enhancing_is_retried(receipt, monkeypatch):
    def cache_down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(pipeline, "enhance", cache_down)
    with pytest.raises(RedisConnectionError):
        pipeline.process(receipt.pk, retry_scheduled=True)

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.QUEUED
    assert receipt.logs.get(event="retry_scheduled").message == "Will retry: Connection refused"


def test_a_batch_left_open_after_its_last_receipt_is_closed_by_a_second_delivery(receipt):
    Receipt.objects.filter(pk=receipt.pk).update(status=Receipt.Status.COMPLETED)  # its batch never heard
    assert Batch.objects.get(pk=receipt.batch_id).status == Batch.Status.PROCESSING

    pipeline.process(receipt.pk)

    assert Batch.objects.get(pk=receipt.batch_id).status == Batch.Status.COMPLETED
