"""/healthz: database, Redis and a live worker, for load balancers."""

import redis
from django.conf import settings
from django.test import override_settings

from receipts_site.health import live_workers
from tests.conftest import wait_for


def test_healthy_with_a_worker_running(client, worker_processes):
    worker_processes()
    wait_for(lambda: live_workers(), timeout=60, message="a worker to register")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "workers": "ok"}}


def test_no_worker_answers_503_naming_the_workers(client, transactional_db):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == "ok" and body["checks"]["redis"] == "ok"
    assert body["checks"]["workers"] == "No worker on the receipts queue reported in the last 480 seconds."


def test_redis_down_answers_503_naming_redis(client, transactional_db):
    closed = "redis://127.0.0.1:1/0"
    queues = {name: {**queue, "URL": closed} for name, queue in settings.RQ_QUEUES.items()}
    with override_settings(RQ_QUEUES=queues):
        response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"] == "Redis did not answer (ConnectionError)."
    assert checks["workers"] == "Workers cannot be counted while Redis does not answer."
    assert checks["database"] == "ok"
    assert redis.Redis.from_url(settings.REDIS_URL).ping()  # the real Redis was never touched
