"""A connection lost just after a receipt was claimed must not leave the receipt stranded."""

from functools import partial

import pytest
from django.db import OperationalError

from batches.services import create_batch
from receipts import pipeline
from receipts.models import Receipt, receipt_changed
from tests.conftest import upload
from tests.receipt_images import receipt_png


@pytest.fixture
def lose_connection_once_after_claim():
    """Arm a fault: the next 'receipt changed' notice fails, as a dropped database connection would."""
    calls = []

    def drop(sender, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("consuming input failed: server closed the connection unexpectedly")

    yield partial(receipt_changed.connect, drop, dispatch_uid="test-connection-lost")
    receipt_changed.disconnect(dispatch_uid="test-connection-lost")


def test_an_attempt_whose_claim_was_committed_goes_on_after_the_connection_drops(
    user, transactional_db, lose_connection_once_after_claim
):
    files = [upload("lunch.png", receipt_png(merchant="HARBOUR BAKERY"), "image/png")]
    receipt = create_batch(user, files).receipts.get()
    lose_connection_once_after_claim()

    pipeline.process(str(receipt.pk), job_id="job-1")

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.COMPLETED
    assert receipt.attempts == 1
    assert receipt.job_id == "job-1"
    assert list(receipt.logs.filter(event="claimed").values_list("attempt", flat=True)) == [1]
    assert receipt.batch.status == receipt.batch.Status.COMPLETED


def test_a_claim_that_was_not_committed_is_raised_for_the_job_to_retry(user, transactional_db, monkeypatch):
    receipt = create_batch(user, [upload("lunch.png", receipt_png(merchant="CITY CAFE"), "image/png")]).receipts.get()

    def lost(self, job_id=""):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Receipt, "claim_for_processing", lost)

    with pytest.raises(OperationalError):
        pipeline.process(str(receipt.pk), job_id="job-1")

    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.QUEUED
    assert receipt.attempts == 0
