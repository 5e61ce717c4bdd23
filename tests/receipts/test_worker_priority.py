"""Workers read receipts at a lower CPU priority than the web server, so polls are answered first."""

import signal
import subprocess
import sys
from pathlib import Path

import django_rq
from django.conf import settings
from rq import Worker

from tests.conftest import PROJECT_DIR, manage_command, signal_groups, wait_for, worker_environment


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


def loaded_libraries(pid):
    return Path(f"/proc/{pid}/maps").read_text()


def test_a_worker_loads_pp_ocr_before_its_first_job(worker_processes):
    """It reads every receipt with the models it loaded as it started, never loads them per receipt."""
    worker = worker_processes()

    wait_for(lambda: "onnxruntime" in loaded_libraries(worker.pid), message="PP-OCRv6 loaded in the worker")


def test_a_worker_reading_with_tesseract_alone_does_not_load_pp_ocr(worker_processes):
    worker = worker_processes(RECEIPT_OCR_ENGINES="tesseract")

    wait_for(lambda: registered(worker.pid), message="the worker to start working")  # its engines are loaded
    assert "onnxruntime" not in loaded_libraries(worker.pid)


def registered(pid):
    return any(worker.pid == pid for worker in Worker.all(connection=django_rq.get_connection("receipts")))


def test_a_webhook_worker_does_not_load_the_ocr_engines(transactional_db):
    worker = subprocess.Popen(
        manage_command("rqworker", "webhooks"), env=worker_environment(), cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        connection = django_rq.get_connection("webhooks")
        wait_for(
            lambda: any(found.pid == worker.pid for found in Worker.all(connection=connection)),
            message="the webhook worker to start working",
        )
        assert "onnxruntime" not in loaded_libraries(worker.pid)
        assert niceness(worker.pid) == settings.RECEIPT_WORKER_NICENESS
    finally:
        signal_groups([worker.pid], signal.SIGKILL)
        worker.wait()
