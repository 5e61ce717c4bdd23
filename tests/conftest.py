"""Shared fixtures: users, clients, isolated Redis and media, and real RQ workers.

Integration tests run against the real PostgreSQL and Redis. Each run takes a Redis database
of its own (locked with a key), so two runs on one machine never see each other's jobs.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.receipt_images import receipt_png

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCK_KEY = "receipts-test-run-lock"


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


@pytest.fixture(autouse=True)
def empty_redis():
    """Each test starts with an empty queue and cache (the run's lock key stays)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(count=1000):
        if key != LOCK_KEY.encode():
            client.delete(key)
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
    )
    return env


def manage_command(*args):
    return [sys.executable, str(PROJECT_DIR / "manage.py"), *args]


@pytest.fixture
def run_worker(transactional_db):
    """Run a real RQ worker in a subprocess until the queue is empty."""

    def run(timeout=240):
        result = subprocess.run(
            manage_command("rqworker", "receipts", "--burst", "--with-scheduler"),
            env=worker_environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=PROJECT_DIR,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        return result

    return run


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


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def receipt_files():
    """Ten readable receipts with known totals, as uploads."""

    def make(count=10):
        return [
            upload(f"receipt-{n}.png", receipt_png(merchant=f"SHOP NUMBER {n}", total=f"{10 + n}.{n}5"), "image/png")
            for n in range(count)
        ]

    return make
