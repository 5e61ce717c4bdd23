"""Which file this process writes its metrics to, chosen before any metric exists.

prometheus-client's multiprocess mode keeps each process's counts in files named after the
process, and /metrics adds up every file in the directory. Names carry the host name as well as
the pid, so containers sharing one volume never write to the same file. A receipt worker reads
its receipts in its own process and names its file once it starts working (share_worker_file):
a worker that starts itself afresh (receipts/worker.py) keeps its process id and goes on
counting in the same file.
"""

import os
import socket

from prometheus_client import values

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
    """From now on write to the file of the worker whose jobs this process runs."""
    shared_identity["name"] = f"{HOST}-{worker_pid}-jobs"
