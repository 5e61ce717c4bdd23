"""Prometheus metrics: what each process counts, and /metrics, which adds every process up.

Web and worker processes write their counts to files (prometheus-client's multiprocess mode,
set up in receipts_site/metrics_process.py); the view merges them, then adds what is read at
scrape time from the database and Redis (queue depth, the oldest waiting receipt). Counts come
from the receipts' processing log and the batch_finished signal, so the pipeline stays as it is.
"""

import hmac
import ipaddress
import logging

import django_rq
from django.conf import settings
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from redis.exceptions import RedisError

from receipts.models import Receipt

logger = logging.getLogger(__name__)

STEP_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)
BATCH_BUCKETS = (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600)

RECEIPTS_FINISHED = Counter(
    "receipts_finished", "Receipts that reached a final status, by outcome and failure reason.", ["outcome", "reason"]
)
STEP_SECONDS = Histogram(
    "receipts_step_seconds", "Seconds per pipeline step: ocr, extraction, enhancement, receipt (all of it).",
    ["step"], buckets=STEP_BUCKETS,
)
BATCH_SECONDS = Histogram(
    "receipts_batch_seconds", "Seconds from a batch's upload until its last receipt was final.", buckets=BATCH_BUCKETS
)
UPLOADED = Counter("receipts_uploaded", "Files received by the upload page and the API.")
REFUSED = Counter("receipts_refused", "Files refused at upload, by reason.", ["reason"])
ENHANCE_CACHE = Counter("receipts_enhance_cache", "Enhancement results by where they came from.", ["result"])
THROTTLED = Counter("receipts_throttled_requests", "API requests refused by a rate limit, by throttle.", ["scope"])
WEBHOOK_ATTEMPTS = Counter("receipts_webhook_attempts", "Webhook delivery attempts, by outcome.", ["outcome"])

# Processing log events that carry a step's seconds, and the step each one measures.
TIMED_STEPS = {"ocr": "ocr", "extract": "extraction", "enhance": "enhancement"}


def record_log_entry(entry):
    """Count what one new processing log row says happened to its receipt."""
    event, details, receipt = entry.event, entry.details or {}, entry.receipt
    if event == "uploaded":
        UPLOADED.inc()
    elif event in TIMED_STEPS and details.get("seconds") is not None:
        STEP_SECONDS.labels(TIMED_STEPS[event]).observe(details["seconds"])
        if event == "enhance":
            ENHANCE_CACHE.labels("hit" if details.get("source") == "cache" else "miss").inc()
    elif event in ("completed", "failed"):
        reason = (details.get("kind") or "") if event == "failed" else ""
        RECEIPTS_FINISHED.labels(event, reason).inc()
        if receipt.started_at:
            STEP_SECONDS.labels("receipt").observe((entry.created_at - receipt.started_at).total_seconds())
        elif event == "failed" and entry.attempt == 0:
            REFUSED.labels(reason or "unknown").inc()


def record_batch_finished(batch):
    if batch.finished_at:
        BATCH_SECONDS.observe((batch.finished_at - batch.created_at).total_seconds())


def record_throttled(scope):
    THROTTLED.labels(scope).inc()


class QueueCollector:
    """Read at each scrape: jobs waiting in Redis, receipts waiting in the database, the oldest one's age."""

    def collect(self):
        depth = GaugeMetricFamily("receipts_queue_depth", "Jobs waiting in each RQ queue.", labels=["queue"])
        try:
            for name in settings.RQ_QUEUES:
                depth.add_metric([name], django_rq.get_queue(name).count)
        except RedisError as exc:
            logger.warning("Queue depth left out of /metrics, Redis is not answering: %s", exc)
        yield depth
        waiting = Receipt.objects.filter(status=Receipt.Status.QUEUED)
        oldest = waiting.aggregate(oldest=Min(Coalesce("enqueued_at", "created_at")))["oldest"]
        yield GaugeMetricFamily(
            "receipts_queued", "Receipts queued in the database, waiting for a worker.", value=waiting.count()
        )
        age = (timezone.now() - oldest).total_seconds() if oldest else 0
        yield GaugeMetricFamily(
            "receipts_oldest_queued_seconds", "Age of the oldest receipt waiting for a worker (0 when none).", value=age
        )


def client_may_read(request):
    """Loopback and the allowed networks read freely; anyone else needs the bearer token."""
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics_view(request):
    if not client_may_read(request):
        return HttpResponse(
            "Metrics are open to the allowed networks only; send Authorization: Bearer <METRICS_TOKEN>.\n",
            status=403, content_type="text/plain; charset=utf-8",
        )
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(QueueCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
