"""Settings for the test suite: the real settings, with test-only defaults filled in first."""

import hashlib
import os

os.environ.setdefault("DJANGO_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("DJANGO_SECURE", "0")
os.environ.setdefault("RECEIPT_RETRY_INTERVALS", "0,0,0")
# Every receipt goes to RQ at once unless a test of fair scheduling says otherwise.
os.environ.setdefault("RECEIPT_DISPATCH_PER_USER", "100000")
os.environ.setdefault("WEBHOOK_RETRY_INTERVALS", "0,0")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
# Metrics files of this run only; its workers inherit the variable.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(os.path.dirname(__file__), "..", ".run", f"test-metrics-{os.getpid()}")
)

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# One test database per checkout, so two checkouts on one machine can run their suites at once.
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(  # noqa: F405
    "TEST_DATABASE_NAME",
    f"test_receipts_{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]}",  # noqa: F405
)

# Tests never call a real language model, whatever the environment says; the LLM tests start a
# stub server and point these at it.
RECEIPTS_LLM_URL = ""
RECEIPTS_ENHANCER = "local"
