"""/metrics: counts from the web and worker processes, added up, and who may read them."""

import json
import os
import re
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.multiprocess import MultiProcessCollector

from receipts_site import metrics
from tests.conftest import upload
from tests.receipt_images import receipt_png
from tests.site.metrics_scrape import change, sample, scrape


def send_batch(api_client, count, broken=False):
    files = [upload(f"r{n}.png", receipt_png(total=f"{12 + n}.50"), "image/png") for n in range(count)]
    if broken:
        files.append(upload("notes.png", b"These are notes, not a receipt.\n" * 5, "image/png"))
    response = api_client.post("/api/batches", {"files": files}, format="multipart")
    assert response.status_code == 201
    return response.json()


def test_metrics_after_a_batch(api_client, client, run_worker):
    before = scrape(client)

    send_batch(api_client, 2, broken=True)
    run_worker()
    after = scrape(client)

    assert change(before, after, "receipts_uploaded_total") == 3
    assert change(before, after, "receipts_refused_total", reason="unreadable") == 1
    assert change(before, after, "receipts_finished_total", outcome="completed", reason="") == 2
    assert change(before, after, "receipts_finished_total", outcome="failed", reason="unreadable") == 1
    for step in ("ocr", "extraction", "enhancement", "receipt"):
        assert change(before, after, "receipts_step_seconds_count", step=step) == 2, step
        assert change(before, after, "receipts_step_seconds_sum", step=step) > 0, step
    assert change(before, after, "receipts_batch_seconds_count") == 1
    cache = change(before, after, "receipts_enhance_cache_total", result="hit") + change(
        before, after, "receipts_enhance_cache_total", result="miss"
    )
    assert cache == 2
    assert sample(after, "receipts_queue_depth", queue="receipts") == 0
    assert sample(after, "receipts_oldest_queued_seconds") == 0


def worker_files(directory):
    return sorted(path for path in Path(directory).glob("counter_*-jobs.db"))


def test_counts_from_two_worker_processes_add_up(api_client, client, run_worker):
    directory = settings.PROMETHEUS_MULTIPROC_DIR
    already = set(worker_files(directory))
    before = scrape(client)

    send_batch(api_client, 2)
    run_worker()  # one worker process reads the first batch...
    send_batch(api_client, 1)
    run_worker()  # ...and another the second
    after = scrape(client)

    new_files = [path for path in worker_files(directory) if path not in already]
    assert len(new_files) == 2  # one file per worker process
    per_process = []
    for path in new_files:
        merged = MultiProcessCollector.merge([str(path)], accumulate=True)
        family = next(metric for metric in merged if metric.name == "receipts_finished")
        per_process.append(sum(s.value for s in family.samples if s.labels.get("outcome") == "completed"))
    assert sorted(per_process) == [1, 2]
    assert change(before, after, "receipts_finished_total", outcome="completed", reason="") == 3


def test_queue_depth_and_oldest_waiting_receipt(api_client, client, transactional_db):
    send_batch(api_client, 2)

    samples = scrape(client)

    assert sample(samples, "receipts_queue_depth", queue="receipts") == 2
    assert sample(samples, "receipts_queue_depth", queue="webhooks") == 0
    assert sample(samples, "receipts_queued") == 2
    assert sample(samples, "receipts_oldest_queued_seconds") >= 0


@override_settings(RECEIPT_UPLOAD_RATE="1/hour")
def test_throttled_requests_are_counted(api_client, client, transactional_db):
    before = scrape(client)

    send_batch(api_client, 1)
    refused = api_client.post("/api/batches", {"files": [upload("a.png", receipt_png(), "image/png")]})
    after = scrape(client)

    assert refused.status_code == 429
    assert change(before, after, "receipts_throttled_requests_total", scope="uploads") == 1


def test_metrics_are_refused_to_other_addresses(client, db):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 403
    assert "METRICS_TOKEN" in response.content.decode()


@override_settings(METRICS_TOKEN="s3cret-scrape-token")
def test_a_bearer_token_opens_metrics_to_any_address(client, db):
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    right = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")

    assert wrong.status_code == 403
    assert right.status_code == 200
    assert "receipts_queue_depth" in right.content.decode()


@override_settings(METRICS_ALLOWED_NETWORKS=["10.20.0.0/16"])
def test_an_allowed_network_reads_metrics_without_a_token(client, db):
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.21.3.4").status_code == 403
    assert client.get("/metrics").status_code == 403  # loopback is only in the default list


def test_metrics_directory_is_this_runs_own():
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == settings.PROMETHEUS_MULTIPROC_DIR
    assert Path(settings.PROMETHEUS_MULTIPROC_DIR).is_dir()


def defined_series():
    """Every series name the metrics module's counters and histograms can produce."""
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}
    return {
        metric._name + suffix
        for metric in vars(metrics).values()
        if isinstance(metric, MetricWrapperBase)
        for suffix in suffixes[metric._type]
    }


def test_the_grafana_dashboard_uses_only_metrics_we_export(client, transactional_db):
    dashboard = json.loads((Path(settings.BASE_DIR) / "docs" / "grafana-dashboard.json").read_text())
    exported = {name for name, _labels in scrape(client)} | defined_series()
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {name for expr in expressions for name in re.findall(r"\b(receipts_[a-z_]+)\b", expr)}

    assert len(dashboard["panels"]) == 12
    assert "receipts_oldest_queued_seconds" in used and "receipts_finished_total" in used
    assert used <= exported, used - exported

