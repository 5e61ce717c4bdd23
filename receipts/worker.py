"""The RQ worker class the project runs (settings.RQ["WORKER_CLASS"]).

Reading receipts keeps every core busy; the web server must still answer progress polls at
once. A worker therefore lowers its own CPU priority before it starts working, and the
Tesseract processes it starts inherit it. Set here rather than in each start command, so
`scripts/run.sh`, the container image and any supervisor get the same priority.

RQ runs each job in a fresh child process of the worker. The worker loads the pipeline and the
OCR engines before it starts, so every child begins with them in memory: loaded in the child
instead, PP-OCRv6 and its imports cost over a second of CPU per receipt, as much as reading it.
"""

import logging
import os

from django.conf import settings

from receipts import reading
from receipts_site.metrics_process import MetricsWorker

logger = logging.getLogger(__name__)


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


class ReceiptWorker(MetricsWorker):
    """Runs at a lower CPU priority with the OCR engines loaded; its job processes share one
    metrics file (MetricsWorker)."""

    def work(self, *args, **kwargs):
        niceness = lower_cpu_priority(settings.RECEIPT_WORKER_NICENESS)
        load_readers()
        logger.info("Worker %s runs at niceness %d with its OCR engines loaded.", self.name, niceness)
        return super().work(*args, **kwargs)
