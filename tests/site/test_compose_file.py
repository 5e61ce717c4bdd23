"""compose.yaml, checked without Docker: its structure, and that what it runs exists in the project."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

from tests.conftest import PROJECT_DIR

COMPOSE = yaml.safe_load((PROJECT_DIR / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "webhooks", "sweep"]
SETTINGS_SOURCE = (PROJECT_DIR / "receipts_site" / "settings.py").read_text()
# Read by boto3 itself rather than by the settings.
BOTO_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def command_words(service):
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else command


def test_every_part_of_the_service_is_there():
    assert set(SERVICES) >= {"web", "worker", "webhooks", "sweep", "postgres", "redis", "objects", "buckets"}
    assert SERVICES["postgres"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    assert SERVICES["objects"]["image"].startswith("minio/")


def test_workers_can_be_scaled():
    worker = SERVICES["worker"]
    assert "container_name" not in worker and "ports" not in worker  # both would stop --scale worker=4
    assert "deploy" not in worker or "replicas" not in worker.get("deploy", {})


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_build_this_project_and_run_its_commands(service):
    assert SERVICES[service]["build"] == "."
    assert (PROJECT_DIR / "Dockerfile").exists()
    words = command_words(service)
    joined = " ".join(words)
    for name in re.findall(r"manage\.py (\w+)", joined):
        assert name in get_commands(), f"{service} runs manage.py {name}, which does not exist"
    if "rqworker" in words:
        queue = words[words.index("rqworker") + 1]
        assert queue in settings.RQ_QUEUES


def test_web_serves_the_wsgi_application_with_the_projects_web_server_script():
    joined = " ".join(command_words("web"))
    assert "scripts/web.sh --host 0.0.0.0 --port 8000" in joined
    served = re.search(r"-m granian (\S+):(\w+)", (PROJECT_DIR / "scripts/web.sh").read_text())
    assert getattr(importlib.import_module(served[1]), served[2]) is not None
    assert "migrate" in joined
    assert SERVICES["web"]["ports"] == ["${WEB_PORT:-8000}:8000"]
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_environment_names_settings_that_exist(service):
    for name in SERVICES[service]["environment"]:
        assert name in BOTO_VARIABLES or name == "OMP_THREAD_LIMIT" or f'"{name}"' in SETTINGS_SOURCE, name


def test_files_go_to_the_object_store_and_metrics_are_shared():
    environment = SERVICES["web"]["environment"]
    assert environment["STORAGE_BACKEND"] == "storages.backends.s3.S3Storage"
    assert environment["AWS_S3_ENDPOINT_URL"] == "http://objects:9000"
    module, name = environment["STORAGE_BACKEND"].rsplit(".", 1)
    assert getattr(importlib.import_module(module), name)
    for service in APP_SERVICES:
        assert "metrics:/run/metrics" in SERVICES[service]["volumes"]
        assert SERVICES[service]["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/run/metrics"


def test_references_point_at_defined_services_and_volumes():
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source in COMPOSE["volumes"], f"{name} mounts unknown volume {source}"


def test_env_example_names_every_required_secret():
    required = set(re.findall(r"\$\{(\w+):\?", (PROJECT_DIR / "compose.yaml").read_text()))
    example = Path(PROJECT_DIR / ".env.example").read_text()
    assert required == {"POSTGRES_PASSWORD", "DJANGO_SECRET_KEY", "S3_SECRET_KEY"}
    assert all(re.search(rf"^{name}=", example, re.MULTILINE) for name in required)
