"""The two loads: many users' concurrent batches, and one user's few receipts behind another's many."""

import json
import math
import threading
import time

from bench.loadtest import checks
from bench.loadtest.client import BatchPoller, Connection, Record, upload_batch


def concurrent_batches(url, accounts, pool, batches: int, files_per_batch: int, deadline_seconds: float):
    """Every batch uploaded at once by its user, then polled until done. Returns (ids, answers, record)."""
    record = Record()
    start = threading.Barrier(batches)
    ids, answers = [None] * batches, {}
    uploads = [pool.take(files_per_batch) for _ in range(batches)]
    deadline = time.monotonic() + deadline_seconds

    def one_batch(index):
        account = accounts[index % len(accounts)]
        connection = Connection(url, record)
        start.wait()
        batch_id = None
        while batch_id is None and time.monotonic() < deadline:
            batch_id = upload_batch(connection, account, uploads[index])
            if batch_id is None:
                time.sleep(1)
        ids[index] = batch_id
        if batch_id is not None:
            BatchPoller(connection, account, batch_id).run(deadline)
            answers[batch_id] = final_answer(url, account, batch_id, record)
        connection.close()

    # Daemon threads, joined with a timeout: Ctrl+C or TERM ends the run at once and stops the stack.
    threads = [threading.Thread(target=one_batch, args=(index,), daemon=True) for index in range(batches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=1)
    return [batch_id for batch_id in ids if batch_id], answers, record


def final_answer(url, account, batch_id, record):
    """The batch as the API gives it now, without a cached ETag."""
    connection = Connection(url, record)
    answer = connection.request(
        "poll: API", "GET", f"/api/batches/{batch_id}", headers={"Authorization": f"Token {account.token}"}
    )
    connection.close()
    return json.loads(answer[2]) if answer is not None and answer[0] == 200 else {}


def fairness(url, big_user, small_user, pool, big: int, small: int, max_per_batch: int, deadline_seconds: float):
    """(seconds alone, seconds behind the big batch) for `small` receipts of one user."""
    record = Record()
    alone = timed_batch(url, small_user, pool.take(small), record, deadline_seconds)
    connection = Connection(url, record)
    big_ids = [
        upload_batch(connection, big_user, pool.take(min(max_per_batch, big - sent)))
        for sent in range(0, big, max_per_batch)
    ]
    time.sleep(3)
    behind = timed_batch(url, small_user, pool.take(small), record, deadline_seconds)
    deadline = time.monotonic() + deadline_seconds
    while (
        any(checks.batch_seconds(batch_id) is None for batch_id in big_ids if batch_id) and time.monotonic() < deadline
    ):
        time.sleep(2)  # the big batch drains before anything else is measured
    return alone, behind, record


def timed_batch(url, account, files, record, deadline_seconds):
    connection = Connection(url, record)
    batch_id = upload_batch(connection, account, files)
    deadline = time.monotonic() + deadline_seconds
    seconds = None
    while batch_id and seconds is None and time.monotonic() < deadline:
        time.sleep(0.2)
        seconds = checks.batch_seconds(batch_id)
    connection.close()
    return seconds if seconds is not None else math.inf
