"""Shared fixtures: users, clients, isolated Redis and media, and real RQ workers.

Integration tests run against the real PostgreSQL and Redis. Each run takes a Redis database
of its own (locked with a key), so two runs on one machine never see each other's jobs.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from batches import polls
from tests.receipt_images import receipt_png

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCK_KEY = "receipts-test-run-lock"
# How this run's workers name their PostgreSQL connections (see pg_stat_activity).
WORKER_APPLICATION_NAME = f"receipts-test-worker-{os.getpid()}"


def claim_redis_database(base_url):
    """Lock the first free Redis database (1-15) for this run and empty it."""
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    base = base_url.rsplit("/", 1)[0]
    for number in range(1, 16):
        client = redis.Redis.from_url(f"{base}/{number}")
        if client.set(LOCK_KEY, token, nx=True, ex=4 * 3600):
            for key in client.scan_iter(count=1000):
                if key != LOCK_KEY.encode():
                    client.delete(key)
            return f"{base}/{number}", client
    raise RuntimeError("No free Redis database for this test run (all 15 locked).")


def pytest_configure(config):
    url, client = claim_redis_database(settings.REDIS_URL)
    config._redis_lock = client
    settings.REDIS_URL = url
    settings.RQ_QUEUES = {name: {**queue, "URL": url} for name, queue in settings.RQ_QUEUES.items()}
    settings.CACHES["default"]["LOCATION"] = url
    media = Path(config.rootpath) / ".run" / f"test-media-{os.getpid()}"
    media.mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT = str(media)
    config._media_root = media


def pytest_unconfigure(config):
    client = getattr(config, "_redis_lock", None)
    if client is not None:
        client.flushdb()
    media = getattr(config, "_media_root", None)
    if media is not None:
        subprocess.run(["rm", "-rf", str(media)], check=False)
    if "test-metrics-" in settings.PROMETHEUS_MULTIPROC_DIR:  # this run's metrics files (test_settings.py)
        subprocess.run(["rm", "-rf", settings.PROMETHEUS_MULTIPROC_DIR], check=False)


def empty_redis_database():
    """Delete every key of this run's Redis database but the run's lock."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(count=1000):
        if key != LOCK_KEY.encode():
            client.delete(key)


@pytest.fixture(autouse=True)
def empty_redis():
    """Each test starts with an empty queue and cache, and no copy of the cache kept by polls."""
    empty_redis_database()
    polls.LOCAL.clear()
    yield


def worker_environment():
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="receipts_site.test_settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=settings.MEDIA_ROOT,
        OMP_THREAD_LIMIT="1",
        DATABASE_APPLICATION_NAME=WORKER_APPLICATION_NAME,
    )
    return env


def manage_command(*args):
    return [sys.executable, str(PROJECT_DIR / "manage.py"), *args]


@pytest.fixture
def run_worker(transactional_db):
    """Run a real RQ worker in a subprocess until the queue is empty."""

    def run(timeout=240, **extra_env):
        result = subprocess.run(
            manage_command("rqworker", "receipts", "--burst", "--with-scheduler"),
            env={**worker_environment(), **{key: str(value) for key, value in extra_env.items()}},
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=PROJECT_DIR,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        return result

    return run


def wait_for(predicate, timeout=120, interval=0.05, message="condition"):
    """Poll until predicate() is true; for waiting on real processes, never for timing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}.")


@pytest.fixture
def worker_processes(transactional_db):
    """Start long-running RQ workers in their own process groups; all are killed at the end."""
    started = []

    def start(**extra_env):
        env = {**worker_environment(), **{key: str(value) for key, value in extra_env.items()}}
        process = subprocess.Popen(
            manage_command("rqworker", "receipts", "--with-scheduler"),
            env=env,
            cwd=PROJECT_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            # The whole group (the worker, its scheduler, any Tesseract it started): nothing
            # goes on writing while the test's database is emptied.
            signal_groups([process.pid], signal.SIGKILL)
            process.wait()


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("alice", password="receipts-pass-1")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user("bob", password="receipts-pass-2")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", password="receipts-admin-1")


@pytest.fixture
def api_client(user):
    client = APIClient()
    token = Token.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def logged_in_client(client, user):
    client.force_login(user)
    return client


def failed_for_a_passing_reason(receipt):
    """Mark a failed receipt as failed by a cause that is gone (an internal error), so retrying
    it can succeed; a file that is not an image fails for good and is never retried."""
    from receipts.models import Receipt

    Receipt.objects.filter(pk=receipt.pk).update(error_kind=Receipt.ErrorKind.INTERNAL)
    receipt.refresh_from_db()
    return receipt


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


MERCHANTS = [
    "HARBOUR BAKERY", "GREEN GROCER", "CITY CAFE", "RIVER BOOKS", "MAPLE PHARMACY",
    "SUNRISE DELI", "ORCHARD MARKET", "NORTH HARDWARE", "BLUE FUEL", "LOTUS KITCHEN",
]


@pytest.fixture
def receipt_files():
    """Ten readable receipts with known totals, as uploads."""

    def make(count=10):
        return [
            upload(f"receipt-{n}.png", receipt_png(merchant=MERCHANTS[n % 10], total=f"{10 + n}.{n}5"), "image/png")
            for n in range(count)
        ]

    return make


def signal_groups(groups, sig):
    for group in groups:
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            pass
