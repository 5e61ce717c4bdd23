"""A worker reads receipts in its own process: a dead one is noticed in seconds, a hung job is
stopped, and a worker holding too much memory starts itself afresh (receipts/worker.py)."""

import os
import signal
import subprocess
import sys
import time

import django_rq
from django.conf import settings

from batches.services import create_batch
from receipts.jobs import requeue_lost_receipts, running_job_ids
from receipts.models import Receipt
from tests.conftest import PROJECT_DIR, manage_command, signal_groups, upload, wait_for, worker_environment
from tests.receipt_images import long_receipt_png, receipt_png


def start_worker(tmp_path, **env):
    """A long-running worker in a process group of its own, its log in a file."""
    log = (tmp_path / "worker.log").open("w")
    return subprocess.Popen(
        manage_command("rqworker", "receipts", "--with-scheduler"),
        env={**worker_environment(), **{key: str(value) for key, value in env.items()}},
        cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def log(tmp_path):
    return (tmp_path / "worker.log").read_text()


def stop(worker):
    if worker.poll() is None:
        signal_groups([worker.pid], signal.SIGKILL)
    worker.wait()


def nap():
    time.sleep(8)


def test_a_running_job_stays_registered_beat_after_beat_and_lapses_seconds_after_its_worker_dies(
    tmp_path, transactional_db
):
    job = django_rq.get_queue("receipts").enqueue(nap, job_timeout=60)
    worker = start_worker(tmp_path, RECEIPT_WORKER_HEARTBEAT=1)  # each beat registers it for 3 s
    try:
        wait_for(lambda: job.id in running_job_ids(), message="the job to start")
        started = time.monotonic()
        while time.monotonic() - started < 5:  # past the first registration's 3 s
            assert job.id in running_job_ids()
            time.sleep(0.2)

        signal_groups([worker.pid], signal.SIGKILL)  # as the kernel's OOM killer would
        killed = time.monotonic()
        wait_for(lambda: job.id not in running_job_ids(), timeout=30, message="the job to lapse")
        assert time.monotonic() - killed < 5
    finally:
        stop(worker)


def test_the_receipt_of_a_worker_killed_mid_read_goes_back_to_the_queue(tmp_path, transactional_db, user):
    settings.RECEIPT_REQUEUE_GRACE = 1
    batch = create_batch(user, [upload("long.png", long_receipt_png(lines=200), "image/png")])
    receipt = batch.receipts.get()
    worker = start_worker(tmp_path, RECEIPT_WORKER_HEARTBEAT=1)
    try:
        wait_for(lambda: Receipt.objects.get(pk=receipt.pk).status == "processing", message="the read to start")
        signal_groups([worker.pid], signal.SIGKILL)
        receipt.refresh_from_db()
        wait_for(lambda: receipt.job_id not in running_job_ids(), timeout=30, message="the job to lapse")
        requeue_lost_receipts()
    finally:
        stop(worker)

    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == ("queued", 1)
    released = receipt.logs.get(event="requeued")
    assert released.message == "Attempt 1 ended without a result (its reader stopped); queued again."


def test_a_worker_holding_too_much_memory_starts_afresh_and_reads_on(tmp_path, transactional_db, user):
    worker = start_worker(tmp_path, RECEIPT_WORKER_MAX_MEMORY_MB=1)  # more than that after any job
    try:
        batch = create_batch(user, [upload(f"r{n}.png", receipt_png(total=f"{n}.50"), "image/png") for n in range(2)])
        wait_for(
            lambda: set(batch.receipts.values_list("status", flat=True)) == {"completed"},
            timeout=180, message="both receipts read",
        )
        restarts = "MiB after its job (RECEIPT_WORKER_MAX_MEMORY_MB is 1): starting afresh."
        wait_for(lambda: log(tmp_path).count(restarts) == 2, message="the second fresh start")
        wait_for(lambda: log(tmp_path).count("runs at niceness") == 3, message="the worker to start working again")
        assert worker.poll() is None  # the same process, started afresh in place
    finally:
        stop(worker)
    assert [receipt.attempts for receipt in batch.receipts.all()] == [1, 1]


def hang():
    """A job that blocks RQ's timeout alarm, as a long native call does, and does not return."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(600)


def test_a_job_stuck_where_the_timeout_cannot_reach_it_is_stopped_with_its_worker(tmp_path, transactional_db):
    """The heartbeat thread kills the worker once the job's timeout and three beats have passed;
    its job then lapses like any dead worker's."""
    queue = django_rq.get_queue("receipts")
    job = queue.enqueue(hang, job_timeout=2)
    worker = start_worker(tmp_path, RECEIPT_WORKER_HEARTBEAT=1)
    try:
        assert worker.wait(timeout=120) == -signal.SIGKILL
        assert f"Job {job.id} ran past its timeout and did not stop" in log(tmp_path)
        wait_for(lambda: job.id not in running_job_ids(), timeout=30, message="the job to lapse")
    finally:
        stop(worker)


def test_the_default_heartbeat_and_memory_limit():
    assert settings.RECEIPT_WORKER_HEARTBEAT == 5
    assert settings.RECEIPT_WORKER_MAX_MEMORY_MB == 1024


PARENT = """
import os, sys, time
from receipts.worker import die_with_parent
os.register_at_fork(after_in_child=die_with_parent)  # as a worker does before RQ forks its scheduler
child = os.fork()
if child == 0:
    time.sleep(600)
    os._exit(0)
print(child, flush=True)
time.sleep(600)
"""


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_process_the_worker_forks_stops_when_the_worker_is_killed():
    """RQ's scheduler is such a process: it must not run on alone, holding the scheduler's lock."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=PROJECT_DIR, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        child = int(parent.stdout.readline())
        assert alive(child)

        os.kill(parent.pid, signal.SIGKILL)  # the worker alone, as the kernel's OOM killer would

        wait_for(lambda: not alive(child), timeout=30, message="the forked process to stop")
    finally:
        signal_groups([parent.pid], signal.SIGKILL)
        parent.wait()
