#!/usr/bin/env bash
# The load test: starts the web server, one RQ worker per core, the sweep, its own Redis and a
# fresh PostgreSQL database, sends concurrent batches from many users and prints what it measured.
#   scripts/loadtest.sh                 full size: 100 batches of 10 receipts from 20 users
#   scripts/loadtest.sh --batches 10    smaller; --help lists every option
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}" scripts/services.sh --postgres
exec .venv/bin/python -m bench.loadtest "$@"
