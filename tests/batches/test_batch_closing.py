"""A batch's state follows its receipts, even when telling it failed once."""

from io import StringIO

from django.core.management import call_command

from batches.models import Batch
from batches.services import close_finished_batches, create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


def test_the_sweep_closes_a_batch_whose_receipts_are_all_final(user, transactional_db):
    batch = create_batch(user, [upload(f"{n}.png", receipt_png(), "image/png") for n in range(2)])
    # Both finished, but telling the batch failed (a database error after the receipts were saved).
    batch.receipts.update(status=Receipt.Status.COMPLETED)
    Receipt.objects.filter(pk=batch.receipts.first().pk).update(status=Receipt.Status.FAILED)
    out = StringIO()

    call_command("requeue_lost_receipts", stdout=out)

    batch.refresh_from_db()
    assert batch.status == Batch.Status.COMPLETED_WITH_ERRORS
    assert batch.finished_at is not None
    assert out.getvalue().splitlines() == ["Re-enqueued 0 receipt(s).", "Closed 1 finished batch(es)."]
    assert close_finished_batches() == 0


def test_the_sweep_leaves_batches_with_pending_receipts_open(user, transactional_db):
    batch = create_batch(user, [upload(f"{n}.png", receipt_png(), "image/png") for n in range(2)])
    Receipt.objects.filter(pk=batch.receipts.first().pk).update(status=Receipt.Status.COMPLETED)

    assert close_finished_batches() == 0
    batch.refresh_from_db()
    assert batch.status == Batch.Status.PROCESSING


def test_a_batch_of_refused_files_only_is_finished_at_once(user, transactional_db):
    batch = create_batch(user, [upload("notes.png", b"just notes")])

    assert batch.status == Batch.Status.COMPLETED_WITH_ERRORS
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.COMPLETED_WITH_ERRORS
