"""The RQ worker class the project runs (settings.RQ["WORKER_CLASS"]).

Reading receipts keeps every core busy; the web server must still answer progress polls at
once. A worker therefore lowers its own CPU priority before it starts working, and the
Tesseract processes it starts inherit it. Set here rather than in each start command, so
`scripts/run.sh`, the container image and any supervisor get the same priority.
"""

import logging
import os

from django.conf import settings

from receipts_site.metrics_process import MetricsWorker

logger = logging.getLogger(__name__)


def lower_cpu_priority(niceness):
    """Raise this process's niceness to `niceness` (never lower it); returns the niceness it has."""
    current = os.nice(0)
    if niceness > current:
        current = os.nice(niceness - current)
    return current


class ReceiptWorker(MetricsWorker):
    """Runs at a lower CPU priority; its job processes share one metrics file (MetricsWorker)."""

    def work(self, *args, **kwargs):
        niceness = lower_cpu_priority(settings.RECEIPT_WORKER_NICENESS)
        logger.info("Worker %s runs at niceness %d.", self.name, niceness)
        return super().work(*args, **kwargs)
