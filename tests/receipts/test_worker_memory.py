"""A worker keeps the memory one read freed for the next, and gives it back only when it holds
more than RECEIPT_WORKER_MAX_MEMORY_MB (receipts/worker.py: release_memory)."""

import pytest

from receipts import worker as worker_module
from receipts.worker import ReceiptWorker


@pytest.fixture
def worker():
    """A worker as it is after a job; never started (release_memory needs no Redis)."""
    instance = ReceiptWorker.__new__(ReceiptWorker)
    instance.name = "memory-test"
    instance.restart_requested = False
    instance._stop_requested = False
    return instance


@pytest.fixture
def trims(monkeypatch):
    calls = []
    trim = worker_module.release_free_memory
    monkeypatch.setattr(worker_module, "release_free_memory", lambda: calls.append(1) or trim())
    return calls


def test_under_its_limit_a_worker_keeps_freed_memory_for_the_next_read(worker, trims, settings):
    settings.RECEIPT_WORKER_MAX_MEMORY_MB = worker_module.resident_megabytes() + 512

    worker.release_memory()

    assert trims == []
    assert worker.restart_requested is False


def test_over_its_limit_a_worker_gives_memory_back_then_starts_afresh(worker, trims, settings):
    settings.RECEIPT_WORKER_MAX_MEMORY_MB = 1

    worker.release_memory()

    assert trims == [1]
    assert worker.restart_requested is True
    assert worker._stop_requested is True


def test_the_allocator_settings_are_accepted_by_glibc():
    library = worker_module.c_library()

    worker_module.keep_freed_memory()

    for parameter, value in ((worker_module.M_MMAP_THRESHOLD, 32), (worker_module.M_TRIM_THRESHOLD, 128)):
        assert library.mallopt(parameter, value * worker_module.MiB) == 1  # 1: accepted
