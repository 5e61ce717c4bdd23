"""Schemathesis against the live test server, as a script author would run it: every check
(status codes, headers, bodies against the schema, auth, resources that must exist after
creation and be gone after deletion), the stateful phase included, bounded to stay fast.

All checks are on by default; `--checks all` on the command line would also override the one
exception tests/schemathesis.toml explains, so it is not passed."""

import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

ST = str(Path(sys.executable).parent / "st")
CONFIG = Path(__file__).parent / "schemathesis.toml"


@pytest.fixture
def token(user, transactional_db):
    return Token.objects.create(user=user).key


def test_the_api_keeps_every_promise_its_schema_makes(live_server, token, tmp_path):
    result = subprocess.run(
        [
            ST, "--config-file", str(CONFIG), "run", f"{live_server.url}/api/schema/?format=json",
            "--phases", "examples,coverage,fuzzing,stateful",
            "--max-examples", "10",
            "--max-time", "50",
            "--seed", "1",
            "--workers", "1",
            "--header", f"Authorization: Token {token}",
            "--request-timeout", "30",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "stateful" in result.stdout.lower()
