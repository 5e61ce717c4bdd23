"""Workers read receipts at a lower CPU priority than the web server, so polls are answered first."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.conftest import PROJECT_DIR, wait_for


def niceness(pid):
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[16])


def test_a_worker_lowers_its_own_cpu_priority(worker_processes):
    worker = worker_processes()

    wait_for(lambda: niceness(worker.pid) == settings.RECEIPT_WORKER_NICENESS, message="the worker's niceness")
    assert settings.RECEIPT_WORKER_NICENESS == 10


def test_the_niceness_is_a_setting(worker_processes):
    worker = worker_processes(RECEIPT_WORKER_NICENESS=15)

    wait_for(lambda: niceness(worker.pid) == 15, message="the worker's niceness")


def test_a_process_already_nicer_is_left_as_it_is():
    script = "import os; os.nice(12); from receipts.worker import lower_cpu_priority; print(lower_cpu_priority(10))"
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_DIR, capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "12"
