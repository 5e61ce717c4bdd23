"""/healthz for load balancers: the database answers, Redis answers, and a worker was seen recently."""

from datetime import UTC, timedelta

import django_rq
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from redis.exceptions import RedisError
from rq import Worker

from receipts.jobs import QUEUE_NAME


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return f"The database did not answer ({type(exc).__name__})."
    return None


def check_redis():
    try:
        django_rq.get_connection(QUEUE_NAME).ping()
    except RedisError as exc:
        return f"Redis did not answer ({type(exc).__name__})."
    return None


def live_workers():
    """Workers on the receipts queue that reported to Redis within HEALTH_WORKER_MAX_AGE seconds."""
    queue = django_rq.get_queue(QUEUE_NAME)
    since = timezone.now() - timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE)
    return [worker for worker in Worker.all(queue=queue) if reported_since(worker, since)]


def reported_since(worker, since):
    moment = worker.last_heartbeat
    if moment is None:
        return False
    if moment.tzinfo is None:  # RQ's times are UTC, with or without the zone attached
        moment = moment.replace(tzinfo=UTC)
    return moment >= since


def check_workers():
    try:
        if live_workers():
            return None
    except RedisError:
        return "Workers cannot be counted while Redis does not answer."
    return f"No worker on the {QUEUE_NAME} queue reported in the last {settings.HEALTH_WORKER_MAX_AGE} seconds."


CHECKS = {"database": check_database, "redis": check_redis, "workers": check_workers}


def healthz(request):
    """200 with every check "ok", or 503 naming what failed."""
    problems = {name: check() for name, check in CHECKS.items()}
    body = {
        "status": "ok" if not any(problems.values()) else "failing",
        "checks": {name: problem or "ok" for name, problem in problems.items()},
    }
    return JsonResponse(body, status=503 if any(problems.values()) else 200)
