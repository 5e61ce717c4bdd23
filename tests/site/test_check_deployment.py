"""manage.py check_deployment against the live test stack: a live server and real workers."""

import subprocess

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from receipts_site.health import live_workers
from tests.conftest import PROJECT_DIR, manage_command, wait_for, worker_environment


@pytest.fixture
def staff_token(staff_user):
    return Token.objects.create(user=staff_user).key


def test_check_passes_against_the_running_stack(live_server, staff_token, worker_processes, capsys):
    worker_processes()
    worker_processes()
    wait_for(lambda: len(live_workers()) == 2, timeout=60, message="two workers to register")

    call_command("check_deployment", "--url", live_server.url, "--token", staff_token, "--timeout", "240")

    out = capsys.readouterr().out
    assert "ok   /healthz answers 200: database, Redis and a worker are up." in out
    assert "ok   6 good receipts (JPEG, PNG, WEBP, TIFF, HEIF, PDF) completed" in out
    assert "ok   The broken file failed with its reason: This image is damaged or incomplete and cannot be read." in out
    assert "ok   Retry answers 409 for a completed receipt and for the broken file" in out
    assert "ok   The CSV export downloads: a header and 7 rows." in out
    assert "ok   The batch page answers, behind the login page." in out
    assert f"The deployment at {live_server.url} passed every check." in out


def test_check_fails_at_its_timeout_when_no_worker_runs(live_server, staff_token):
    result = subprocess.run(
        manage_command("check_deployment", "--url", live_server.url, "--token", staff_token, "--timeout", "3"),
        env=worker_environment(), cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 1
    assert "FAIL Health: /healthz answered 503: workers: No worker on the receipts queue" in result.stdout
    assert "FAIL Sample batch: The batch was not finished within 3 seconds: 1/7 processed." in result.stdout
    assert "failed 2 check(s)" in result.stderr


def test_check_fails_with_a_wrong_token(live_server, transactional_db):
    with pytest.raises(CommandError) as failure:
        call_command("check_deployment", "--url", live_server.url, "--token", "not-a-token", "--timeout", "5")

    assert 'POST /api/batches answered 401, not 201: {"detail":"Invalid token.","code":"authentication_failed"}' in str(
        failure.value
    )


def test_check_fails_when_nothing_answers(transactional_db):
    with pytest.raises(CommandError) as failure:
        call_command("check_deployment", "--url", "http://127.0.0.1:9", "--token", "x", "--timeout", "5")

    assert "GET /healthz got no answer" in str(failure.value)
