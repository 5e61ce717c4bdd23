#!/usr/bin/env bash
# Sets everything up and runs the whole test suite (lint, unit, integration, browser).
# Extra arguments go to pytest, e.g. scripts/test.sh tests/batches -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
case "$DATABASE_URL" in
  postgres*://*@127.0.0.1*|postgres*://*@localhost*) scripts/services.sh --postgres ;;
  *) scripts/services.sh ;;
esac
.venv/bin/ruff check .
exec .venv/bin/pytest "$@"
