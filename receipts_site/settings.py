"""Settings, all read here from environment variables, each with a default that works locally.

Code elsewhere reads `settings.X`, never `os.environ`, so this file is the whole list of knobs.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from receipts_site import metrics_process

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Debug pages show settings and code: only for a developer's own machine.
DEBUG = env_bool("DJANGO_DEBUG", False)
# Signing key for sessions and tokens; production must set it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("DJANGO_ALLOW_INSECURE_KEY", False):
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for a local development server)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
# Host names this site answers to, comma separated.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
# Origins trusted for CSRF behind a proxy, e.g. https://receipts.example.com.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Under /api/ a refused CSRF check answers JSON like every other API error.
CSRF_FAILURE_VIEW = "receipts_site.api_errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_rq",
    "storages",
    "waffle",
    "django_filters",
    "receipts_site",
    "receipts",
    "batches",
    "batches.webhooks",
    "receipts_site.idempotency",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "batches.polls.UnchangedPollMiddleware",  # before sessions and auth: see batches/polls.py
    "batches.request_limits.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "receipts_site.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "receipts_site.urls"
WSGI_APPLICATION = "receipts_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "receipts_site.context_processors.upload_limits",
            ],
        },
    },
]

# Database: SQLite file in the project by default; postgres://user@host:5432/name in production.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several workers write at once: WAL lets readers go on, IMMEDIATE takes the write lock at
    # BEGIN (no deadlocked upgrades), and the timeout makes writers wait instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Shown in pg_stat_activity, so an operator can tell web and worker connections apart.
    DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = os.environ.get(
        "DATABASE_APPLICATION_NAME", "receipts"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis carries the job queue and the cache; the database stays the source of truth.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Seconds one receipt may take before its job is stopped and the receipt fails.
RECEIPT_JOB_TIMEOUT = env_int("RECEIPT_JOB_TIMEOUT", 180)
# Automatic retries for transient errors, and the wait before each (exponential backoff).
RECEIPT_RETRY_INTERVALS = [int(s) for s in env_list("RECEIPT_RETRY_INTERVALS", ["5", "30", "120"])]
RQ_QUEUES = {
    "receipts": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": RECEIPT_JOB_TIMEOUT},
    # Webhook deliveries have their own queue and workers, so a slow receiver never holds up a receipt.
    "webhooks": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60},
}
RQ_SHOW_ADMIN_LINK = True
# Workers lower their CPU priority, read jobs in their own process and keep one metrics file
# each (receipts/worker.py).
RQ = {"WORKER_CLASS": "receipts.worker.ReceiptWorker"}
# CPU niceness workers (and their Tesseract processes) run at, 0-19: above the web server's
# 0, so progress polls are answered first while every core is reading receipts.
RECEIPT_WORKER_NICENESS = env_int("RECEIPT_WORKER_NICENESS", 10)
# A worker reads receipts in its own process (receipts/worker.py). While it reads, it renews
# its job in Redis every RECEIPT_WORKER_HEARTBEAT seconds; a worker that stops renewing for
# three times that long is dead to the sweep, which gives its receipt back to the queue.
RECEIPT_WORKER_HEARTBEAT = env_int("RECEIPT_WORKER_HEARTBEAT", 5)
# A worker holding more than this after a receipt starts itself afresh before the next one.
RECEIPT_WORKER_MAX_MEMORY_MB = env_int("RECEIPT_WORKER_MAX_MEMORY_MB", 1024)
CACHES = {
    "default": {
        "BACKEND": "receipts_site.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "receipts"),
        "TIMEOUT": 60 * 60 * 24 * 30,
    }
}

# Files: local disk by default; set STORAGE_BACKEND=storages.backends.s3.S3Storage (and the
# AWS_* variables django-storages reads) for S3-compatible object storage.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
# Objects stay private: no ACL is set, and files are only ever served through the app's
# owner-checked views, never by a link to the bucket.
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None

# Upload limits, enforced by the server and mirrored in the browser.
RECEIPT_MAX_FILE_BYTES = env_int("RECEIPT_MAX_FILE_BYTES", 20 * 1024 * 1024)
RECEIPT_MAX_FILES_PER_BATCH = env_int("RECEIPT_MAX_FILES_PER_BATCH", 100)
RECEIPT_MAX_PIXELS = env_int("RECEIPT_MAX_PIXELS", 60_000_000)
RECEIPT_MAX_PDF_PAGES = env_int("RECEIPT_MAX_PDF_PAGES", 20)
# Tesseract languages to read with, as its -l value ("eng", "deu+eng"); empty means the
# default in receipts/reading/engines (Malay and English). Each needs its tesseract-ocr-* package.
RECEIPT_OCR_LANGUAGES = os.environ.get("RECEIPT_OCR_LANGUAGES", "")
# OCR engines in cascade order: the next reads only when the previous one's fields fail
# their checks. "rapidocr,tesseract", "tesseract,rapidocr", "rapidocr" or "tesseract";
# PP-OCRv6 first reads more right at less CPU on both benchmark sets (docs/reading.md).
RECEIPT_OCR_ENGINES = os.environ.get("RECEIPT_OCR_ENGINES", "rapidocr,tesseract")
# Country whose date order, currency and address rules apply (US, UK, DE, FR, MY);
# empty detects it from each receipt's own text.
RECEIPT_LOCALE = os.environ.get("RECEIPT_LOCALE", "")
# Receipts one user may have waiting in the queue, so one account cannot starve everyone.
RECEIPT_MAX_PENDING_PER_USER = env_int("RECEIPT_MAX_PENDING_PER_USER", 1000)
# A receipt processing longer than this (seconds) is taken to be lost with its worker.
RECEIPT_STUCK_AFTER = env_int("RECEIPT_STUCK_AFTER", RECEIPT_JOB_TIMEOUT + 60)
# Jobs one user may have in RQ's queue at once; the rest wait in the database and are handed
# out as theirs finish, so one user's long batch cannot hold everyone else's (docs/scheduling.md).
# At least the number of worker processes, so a user alone still keeps every worker busy.
RECEIPT_DISPATCH_PER_USER = env_int("RECEIPT_DISPATCH_PER_USER", max(4, os.cpu_count() or 1))
# A user with no more unfinished receipts than this has their jobs put at the head of the queue
# rather than its end, so a few receipts are read at once however long others' batches are.
RECEIPT_EXPRESS_RECEIPTS = env_int("RECEIPT_EXPRESS_RECEIPTS", 10)
# Attempts one receipt may make (crashed readers and errors alike) before it fails for good.
RECEIPT_MAX_ATTEMPTS = env_int("RECEIPT_MAX_ATTEMPTS", 3)
# The sweep leaves receipts queued this recently alone: their job may still be on its way.
RECEIPT_REQUEUE_GRACE = env_int("RECEIPT_REQUEUE_GRACE", 10)
# API uploads (batches) and retries per user; DRF rate syntax.
RECEIPT_UPLOAD_RATE = os.environ.get("RECEIPT_UPLOAD_RATE", "60/hour")
RECEIPT_RETRY_RATE = os.environ.get("RECEIPT_RETRY_RATE", "600/hour")
# Files added one at a time to an open batch, per user (the upload page sends them so).
RECEIPT_FILE_UPLOAD_RATE = os.environ.get("RECEIPT_FILE_UPLOAD_RATE", "6000/hour")
# Hours an Idempotency-Key's first answer is kept and replayed to a request sent again.
RECEIPT_IDEMPOTENCY_HOURS = env_int("RECEIPT_IDEMPOTENCY_HOURS", 24)
# Bytes of a user's refused files kept on storage (to show them, and to retry them once a limit
# is raised); files refused beyond this keep their row and reason but not their bytes.
RECEIPT_REFUSED_BYTES_PER_USER = env_int("RECEIPT_REFUSED_BYTES_PER_USER", 20 * 1024 * 1024)
# Largest upload request, in bytes, refused from its Content-Length before any file is read.
RECEIPT_MAX_REQUEST_BYTES = env_int("RECEIPT_MAX_REQUEST_BYTES", 256 * 1024 * 1024)
# Form fields (not files) Django reads into memory; files are streamed to disk above this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django's own file count limit (an HTML 400) stays out of the way: FileCountUploadHandler
# counts the files and skips those past the batch limit, and the upload answers in words.
DATA_UPLOAD_MAX_NUMBER_FILES = None
FILE_UPLOAD_HANDLERS = [
    "batches.request_limits.FileCountUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing or bad token a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "receipts_site.api_errors.api_exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "receipts_site.filters.StrictPageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Receipts API",
    "DESCRIPTION": "Upload receipts in batches and read their merchant, date, totals and items.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: no CDN, and the page passes our CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "BatchStatusEnum": "batches.models.Batch.Status",
        "ReceiptStatusEnum": "receipts.models.Receipt.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "receipts_site.api_schema.document_common_answers",
    ],
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "batches:upload"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Served over TLS in production: secure cookies and HSTS.
SECURE = env_bool("DJANGO_SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Seconds browsers must keep to HTTPS once they have seen this site (one year; 0 turns it off).
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
# Only behind a TLS-terminating proxy that sets X-Forwarded-Proto may that header be believed;
# anyone can send it to a server that faces the network directly.
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Enhancement after extraction (canonical merchant, spending category); see README "Enhancement".
# Base URL of an OpenAI-compatible server (POST {url}/v1/chat/completions); empty: local rules only.
RECEIPTS_LLM_URL = os.environ.get("RECEIPTS_LLM_URL", "").strip()
# Model name sent to that server.
RECEIPTS_LLM_MODEL = os.environ.get("RECEIPTS_LLM_MODEL", "gpt-4o-mini")
# Bearer token for that server, if it needs one.
RECEIPTS_LLM_API_KEY = os.environ.get("RECEIPTS_LLM_API_KEY", "")
# Seconds to wait for its answer before keeping the local result.
RECEIPTS_LLM_TIMEOUT = float(os.environ.get("RECEIPTS_LLM_TIMEOUT") or 20)
# Which enhancer runs: "local" (rules + the user's history) or "llm"; "llm" whenever a URL is set.
RECEIPTS_ENHANCER = os.environ.get("RECEIPTS_ENHANCER") or ("llm" if RECEIPTS_LLM_URL else "local")
# Seconds an enhancement result stays in the cache.
RECEIPTS_ENHANCE_CACHE_SECONDS = env_int("RECEIPTS_ENHANCE_CACHE_SECONDS", 60 * 60 * 24 * 30)

# Gradual rollout of batch upload (django-waffle flag "batch_upload", see README "Rollout").
# Members of this group, and staff, always have batch upload.
BATCH_UPLOAD_GROUP = os.environ.get("BATCH_UPLOAD_GROUP", "Power users")
# With no "batch_upload" flag in the database, batch upload is on for everyone.
WAFFLE_FLAG_DEFAULT = True
# Flags are cached in Redis and the cache is cleared when one is saved in the admin.
WAFFLE_CACHE_NAME = "default"

# Metrics (Prometheus, at /metrics). Every process of one machine writes its counts to files
# in this directory, and /metrics adds them up; web and workers must share it.
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", str(BASE_DIR / ".run" / "metrics"))
metrics_process.configure(PROMETHEUS_MULTIPROC_DIR)  # before any metric is made, in every process
# Who may read /metrics besides loopback addresses: networks (CIDR) allowed without a token...
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"])
# ...and a bearer token that lets any address in (Authorization: Bearer <token>); empty: none.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# /healthz counts a worker as live when it reported to Redis within this many seconds (RQ
# workers report at least every 420 seconds, less the time they wait for a job).
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", 480)

# Webhooks (see README "Webhooks").
# Waits in seconds before each new attempt at a failed delivery; one attempt more than listed.
WEBHOOK_RETRY_INTERVALS = [int(s) for s in env_list("WEBHOOK_RETRY_INTERVALS", ["10", "60", "300", "1800", "7200"])]
# Seconds to wait for a receiver to answer.
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT") or 10)
# Deliver to private, loopback and link-local addresses too (only for tests and closed networks).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# The site's address as receivers should see it in links, e.g. https://receipts.example.com.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
