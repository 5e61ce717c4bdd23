"""A worker closing a batch while the upload page adds a file to it: the file is never lost."""

import threading

from django.db import connection

from batches import services
from batches.models import Batch
from batches.services import add_files_to_batch, create_batch
from receipts.models import Receipt
from tests.conftest import upload
from tests.receipt_images import receipt_png


def png(name):
    return upload(name, receipt_png(), "image/png")


def in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_worker_closing_the_batch_waits_for_a_file_being_added(user, transactional_db, monkeypatch):
    batch = create_batch(user, [png("first.png")])
    Receipt.objects.filter(batch=batch).update(status=Receipt.Status.COMPLETED)
    inside, go = threading.Event(), threading.Event()
    save_receipt = services.save_receipt

    def slow_save(*args, **kwargs):
        # The batch row is locked now; hold the transaction open until the worker has tried.
        inside.set()
        assert go.wait(30)
        return save_receipt(*args, **kwargs)

    monkeypatch.setattr(services, "save_receipt", slow_save)
    results = {}
    adding = in_thread(lambda: add_files_to_batch(batch, [png("second.png")]), results, "added")
    assert inside.wait(30)
    closing = in_thread(lambda: Batch.objects.get(pk=batch.pk).refresh_status(), results, "closed")

    closing.join(1.0)
    assert closing.is_alive(), "refresh_status did not wait for the batch lock"
    go.set()
    adding.join(30)
    closing.join(30)

    assert [r.original_filename for r in results["added"]] == ["second.png"]
    assert results["closed"] is False
    batch.refresh_from_db()
    assert batch.status == Batch.Status.PROCESSING and batch.finished_at is None
    assert batch.receipts.filter(status=Receipt.Status.QUEUED).count() == 1


def test_file_added_after_the_worker_closed_the_batch_reopens_it(user, transactional_db):
    batch = create_batch(user, [png("first.png")])
    Receipt.objects.filter(batch=batch).update(status=Receipt.Status.COMPLETED)
    assert Batch.objects.get(pk=batch.pk).refresh_status() is True

    add_files_to_batch(Batch.objects.get(pk=batch.pk), [png("second.png")])

    batch.refresh_from_db()
    assert batch.status == Batch.Status.PROCESSING and batch.finished_at is None
    assert batch.receipts.count() == 2
