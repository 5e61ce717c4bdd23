"""Which file this process writes its metrics to, chosen before any metric exists.

prometheus-client's multiprocess mode keeps each process's counts in files named after the
process, and /metrics adds up every file in the directory. Names carry the host name as well as
the pid, so containers sharing one volume never write to the same file. RQ runs every job in a
fresh child of its worker: those children take turns on one file per worker (see
MetricsWorker), instead of leaving a new file behind for every receipt read.
"""

import os
import socket

from prometheus_client import values
from rq import Worker

HOST = socket.gethostname()
shared_identity = {"name": None}


def process_identity():
    return shared_identity["name"] or f"{HOST}-{os.getpid()}"


def configure(directory):
    """Write this process's metrics under `directory` (called once, from the settings)."""
    os.makedirs(directory, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory  # the variable prometheus-client reads
    values.ValueClass = values.MultiProcessValue(process_identifier=process_identity)


def share_worker_file(worker_pid):
    """From now on write to the file of this job's worker (one job at a time uses it)."""
    shared_identity["name"] = f"{HOST}-{worker_pid}-jobs"


class MetricsWorker(Worker):
    """An RQ worker whose job processes write their metrics to one file per worker."""

    def main_work_horse(self, job, queue):
        share_worker_file(os.getppid())
        super().main_work_horse(job, queue)
