"""The RQ worker class the project runs (settings.RQ["WORKER_CLASS"]).

Reading receipts keeps every core busy; the web server must still answer progress polls at
once. A worker therefore lowers its own CPU priority before it starts working, and the
Tesseract processes it starts inherit it. Set here rather than in each start command, so
`scripts/run.sh`, the container image and any supervisor get the same priority.

A worker reads its receipts in its own process, one after another, with the OCR engines it
loaded when it started. RQ's default worker forks a fresh process per job instead; measured on
the load test's receipts, that costs a fifth more CPU per receipt than the engines' own calls:
every fresh process faults in, page by page, the memory PP-OCRv6 works in (copies of the
worker's pages, written once per job) and opens its own database connection. What the fork
gave is kept another way:

- a dead worker is noticed in seconds. While a job runs, a thread renews the job's entry in
  RQ's registry of started jobs every RECEIPT_WORKER_HEARTBEAT seconds, for three times that
  long. A worker killed mid-receipt (the kernel's OOM killer, a crash in a native library)
  stops renewing it, and the sweep gives the receipt back to the queue once it has lapsed
  (receipts.jobs.running_job_ids). Whatever runs the worker starts it again: `scripts/run.sh`
  restarts its workers, compose's `restart: unless-stopped` and any process supervisor do the same;
- a job that hangs is stopped: RQ's alarm interrupts a job past its timeout, and one stuck
  where the alarm cannot reach it (inside a native call) is killed by the same thread
  RECEIPT_WORKER_HEARTBEAT × 3 seconds later, a worker death like any other;
- its scheduler (a process RQ forks from it) stops when it dies, however it dies;
- memory does not grow from job to job: a worker holding more than
  RECEIPT_WORKER_MAX_MEMORY_MB after a job hands freed memory back to the system, and if it
  still holds more, starts itself afresh (same process id, same name) before the next job.

Between jobs it keeps the memory a read freed (`keep_freed_memory`), because the next read
needs as much again. glibc's defaults give the larger image and tensor buffers back to the
kernel as soon as they are freed, and handing everything back after each job (malloc_trim)
did the same for the rest: the next read then faults every page in again, zeroed by the
kernel. Measured on 30 synthetic receipts read one after another in one process with both
engines (CPU per receipt, page faults per receipt):

| after each read | user | system | faults | time inside the engines |
| --- | --- | --- | --- | --- |
| malloc_trim (as before) | 1.17 s | 0.24 s | 68,000 | 1.50 s |
| glibc's defaults | 1.12 s | 0.07 s | 24,000 | 1.28 s |
| keep_freed_memory | 1.12 s | 0.04 s | 11,000 | 1.25 s |

A threshold of 32 MiB instead of 16 faulted less (6,900) but raised the peak on the largest
accepted TIFF by about 100 MiB (`python -m bench.loadtest.memory`, 1055 MiB RSS against 958
when that figure still counted the RQ scheduler's shared pages too); 16 MiB keeps the headroom
under RECEIPT_WORKER_MAX_MEMORY_MB.
"""

import ctypes
import functools
import logging
import os
import signal
import sys
import threading
import time

from django.conf import settings
from rq.worker import SimpleWorker, WorkerStatus

from receipts import reading
from receipts_site.metrics_process import share_worker_file

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # prctl(2)


def lower_cpu_priority(niceness):
    """Raise this process's niceness to `niceness` (never lower it); returns the niceness it has."""
    current = os.nice(0)
    if niceness > current:
        current = os.nice(niceness - current)
    return current


def load_readers():
    """The OCR engines the settings name, loaded in this process (see the module's docstring)."""
    # Imported here: the pipeline needs the models, and lower_cpu_priority must stay importable
    # before Django is set up.
    from receipts.pipeline import read_options

    options = read_options()
    reading.load(options.engines, options.languages)


def resident_megabytes():
    """This process's resident memory in MiB (Linux), or 0 where /proc does not say."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return 0


@functools.cache
def c_library():
    """The C library this process already runs on, opened once: looking it up by name
    (ctypes.util.find_library) runs ldconfig, several milliseconds each time."""
    return ctypes.CDLL(None)


def die_with_parent():
    """In a process the worker forks (RQ's scheduler): stop when the worker dies, killed or not,
    instead of running on alone and holding the scheduler's lock. Linux only."""
    parent = os.getppid()
    try:
        c_library().prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the worker died before the line above took effect
        os._exit(0)


# mallopt's parameters (glibc's malloc.h)
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
MiB = 1024 * 1024


def keep_freed_memory():
    """Have the allocator reuse what a read frees rather than give it back to the kernel (glibc).

    Buffers up to 16 MiB come from the heap instead of a mapping of their own, and up to
    128 MiB freed at the heap's top stay for the next read. Larger buffers (a 60-megapixel
    page) are still mapped, and unmapped when freed.
    """
    library = c_library()
    try:
        library.mallopt(M_MMAP_THRESHOLD, 16 * MiB)
        library.mallopt(M_TRIM_THRESHOLD, 128 * MiB)
        library.mallopt(M_TOP_PAD, 16 * MiB)
    except AttributeError:
        pass  # another C library: its own defaults


def prepare_to_read():
    """What a receipt worker does before its first job, once its priority is lowered: the
    allocator set to keep freed memory, and the OCR engines loaded. The load test's
    engines-alone baseline does the same, so the engines are timed alike in both."""
    keep_freed_memory()
    load_readers()


def release_free_memory():
    """Give memory the allocator keeps after freeing it back to the system (glibc only)."""
    try:
        c_library().malloc_trim(0)
    except (OSError, AttributeError):
        pass  # another C library: its memory stays until the worker starts afresh


class Heartbeat(threading.Thread):
    """Renews a running job's registration until stopped; kills the process if the job overruns."""

    def __init__(self, worker, job, execution):
        super().__init__(name=f"heartbeat-{job.id}", daemon=True)
        self.worker, self.job, self.execution = worker, job, execution
        self.finished = threading.Event()
        self.interval = worker.heartbeat_seconds
        timeout = job.timeout if job.timeout and job.timeout > 0 else settings.RECEIPT_JOB_TIMEOUT
        self.kill_after = time.monotonic() + timeout + 3 * self.interval

    def run(self):
        while not self.finished.wait(self.interval):
            if time.monotonic() > self.kill_after:
                logger.critical(
                    "Job %s ran past its timeout and did not stop; worker %s stops itself so it "
                    "can be started again.", self.job.id, self.worker.name,
                )
                os.kill(os.getpid(), signal.SIGKILL)
            try:
                self.worker.maintain_heartbeats(self.job, self.execution)
            except Exception:  # Redis away for a moment: the next beat tries again
                logger.warning("Could not renew job %s in Redis.", self.job.id, exc_info=True)

    def stop(self):
        self.finished.set()
        self.join()


class ReceiptWorker(SimpleWorker):
    """Reads receipts in its own process at a lower CPU priority, with the OCR engines loaded
    once (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.heartbeat_seconds = settings.RECEIPT_WORKER_HEARTBEAT
        self.restart_requested = False

    def work(self, *args, **kwargs):
        from receipts.jobs import QUEUE_NAME  # Django is set up by now (see load_readers)

        niceness = lower_cpu_priority(settings.RECEIPT_WORKER_NICENESS)
        c_library()  # opened before RQ forks the scheduler, which calls die_with_parent
        if QUEUE_NAME in self.queue_names():
            prepare_to_read()
            loaded = "with its OCR engines loaded"
        else:  # a webhook worker: the engines' 400 MiB would never be used
            loaded = "without OCR engines"
        share_worker_file(os.getpid())
        os.register_at_fork(after_in_child=die_with_parent)
        logger.info("Worker %s runs at niceness %d %s.", self.name, niceness, loaded)
        worked = super().work(*args, **kwargs)
        if self.restart_requested:
            logging.shutdown()
            os.execv(sys.executable, [sys.executable, *sys.argv])
        return worked

    def get_heartbeat_ttl(self, job, working_time=0.0):
        """How long a started job stays registered without a new heartbeat."""
        return 3 * self.heartbeat_seconds

    def execute_job(self, job, queue):
        execution = self.prepare_execution(job)
        heartbeat = Heartbeat(self, job, execution)
        heartbeat.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            heartbeat.stop()
        self.set_state(WorkerStatus.IDLE)
        self.release_memory()

    def release_memory(self):
        """Over RECEIPT_WORKER_MAX_MEMORY_MB: give freed memory back, and if that is not enough,
        start afresh. Under it, memory is kept for the next job (see the module's docstring)."""
        if resident_megabytes() <= settings.RECEIPT_WORKER_MAX_MEMORY_MB:
            return
        release_free_memory()
        held = resident_megabytes()
        if held > settings.RECEIPT_WORKER_MAX_MEMORY_MB:
            logger.warning(
                "Worker %s holds %d MiB after its job (RECEIPT_WORKER_MAX_MEMORY_MB is %d): "
                "starting afresh.", self.name, held, settings.RECEIPT_WORKER_MAX_MEMORY_MB,
            )
            self.restart_requested = True
            self._stop_requested = True
