"""Who may see and do what: login, CSRF, CSP, file serving, throttles and the pending cap."""

import subprocess
import sys

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import PROJECT_DIR, failed_for_a_passing_reason, upload
from tests.receipt_images import receipt_png


def test_pages_redirect_anonymous_users_to_login(client, user, transactional_db):
    batch = create_batch(user, [upload("a.png", receipt_png(), "image/png")])
    receipt = batch.receipts.get()

    for path in ["/", "/batches/", f"/batches/{batch.id}/", f"/receipts/{receipt.id}/", f"/receipts/{receipt.id}/file"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


def test_pages_send_a_content_security_policy(logged_in_client):
    response = logged_in_client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_htmx_retry_without_csrf_token_is_refused(user, transactional_db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    batch = create_batch(user, [upload("bad.png", b"nope")])
    failed_for_a_passing_reason(batch.receipts.get())

    refused = client.post(f"/batches/{batch.id}/retry-failed", HTTP_HX_REQUEST="true")
    page = client.get(f"/batches/{batch.id}/")
    token = page.cookies["csrftoken"].value
    accepted = client.post(f"/batches/{batch.id}/retry-failed", HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert batch.receipts.get().status == Receipt.Status.QUEUED


def test_unreadable_upload_is_served_as_a_download_never_as_html(logged_in_client, user, transactional_db):
    batch = create_batch(user, [upload("page.png", b"<html><script>alert(1)</script></html>", "image/png")])
    receipt = batch.receipts.get()

    response = logged_in_client.get(f"/receipts/{receipt.id}/file")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_uploads_are_throttled_per_user_with_retry_after(api_client, other_user, transactional_db, settings):
    settings.RECEIPT_UPLOAD_RATE = "2/hour"
    files = lambda: {"files": [upload("a.png", receipt_png(), "image/png")]}  # noqa: E731

    statuses = [api_client.post("/api/batches", files(), format="multipart").status_code for _ in range(3)]
    limited = api_client.post("/api/batches", files(), format="multipart")
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other_user).key}")

    assert statuses == [201, 201, 429]
    assert int(limited["Retry-After"]) > 0
    assert other.post("/api/batches", files(), format="multipart").status_code == 201


def test_receipts_waiting_per_user_are_capped(api_client, transactional_db, settings):
    settings.RECEIPT_MAX_PENDING_PER_USER = 3
    files = [upload(f"{n}.png", receipt_png(), "image/png") for n in range(2)]
    assert api_client.post("/api/batches", {"files": files}, format="multipart").status_code == 201

    more = [upload(f"more{n}.png", receipt_png(), "image/png") for n in range(2)]
    response = api_client.post("/api/batches", {"files": more}, format="multipart")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["detail"].startswith("You have 2 receipts waiting to be read and the limit is 3")
    assert Receipt.objects.count() == 2


def production_setting(*names, **environment):
    code = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print(getattr(settings, {name!r}, None))" for name in names
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "receipts_site.settings", "DJANGO_SECRET_KEY": "x" * 50}
    env.update(environment)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=PROJECT_DIR)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_settings_use_secure_cookies():
    assert production_setting("DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE") == ["False", "True", "True"]


def test_production_settings_need_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "receipts_site.settings"}
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=PROJECT_DIR)

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_turn_hsts_on():
    assert production_setting("SECURE_HSTS_SECONDS") == ["31536000"]
    assert production_setting("SECURE_HSTS_SECONDS", DJANGO_HSTS_SECONDS="0") == ["0"]


def test_the_proxy_scheme_header_is_believed_only_behind_a_proxy():
    assert production_setting("SECURE_PROXY_SSL_HEADER") == ["None"]
    trusted = production_setting("SECURE_PROXY_SSL_HEADER", DJANGO_BEHIND_TLS_PROXY="1")
    assert trusted == ["('HTTP_X_FORWARDED_PROTO',", "'https')"]


def test_the_run_script_serves_on_the_loopback_address_unless_told_otherwise():
    script = (PROJECT_DIR / "scripts" / "run.sh").read_text()
    served = [line for line in script.splitlines() if "scripts/web.sh" in line or "runserver" in line]
    web_server = (PROJECT_DIR / "scripts" / "web.sh").read_text()

    assert len(served) == 1
    assert '--host "${RECEIPT_BIND_ADDRESS:-127.0.0.1}"' in served[0]
    assert "0.0.0.0" not in script
    assert 'GRANIAN_HOST="${GRANIAN_HOST:-127.0.0.1}"' in web_server  # its own default, too
