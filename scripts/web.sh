#!/bin/sh
# The web server: granian serving the Django application (receipts_site/wsgi.py). scripts/run.sh,
# the Dockerfile, compose.yaml and the load test all start it here, so they serve alike.
#
# Why granian: its HTTP side is written in Rust, so Python runs only the application. While the
# workers hold every core, nearly all requests are progress polls that find nothing changed;
# under gunicorn (gthread) the server's own Python cost 0.8 ms of CPU per request before the
# application ran, under granian 0.2 ms (a bare WSGI app answering 304, 200 requests a second
# on 100 keep-alive connections). That CPU is taken from the OCR.
#
# Each setting below is a default: its GRANIAN_* environment variable, or an argument given to
# this script (--port 8001, --access-log, --workers 4), changes it.
# - 2 processes of 8 threads: uploads and full answers wait on the database and storage, so
#   each process serves several at once;
# - a backlog of 2048 connections: a burst of polling pages waits its turn instead of being
#   refused;
# - a worker process that dies is started again;
# - on TERM, a worker process still running 30 s later is killed. Each process stops on TERM by
#   itself once it has finished its requests, but one that receives TERM while it is still
#   starting (importing Django) never stops, and granian would wait for it for ever: a TERM
#   soon after start-up then left scripts/run.sh and `docker stop` hanging.
set -eu
cd "$(dirname "$0")/.."
export GRANIAN_INTERFACE=wsgi
export GRANIAN_HOST="${GRANIAN_HOST:-127.0.0.1}"
export GRANIAN_PORT="${GRANIAN_PORT:-${PORT:-8000}}"
export GRANIAN_WORKERS="${GRANIAN_WORKERS:-2}"
export GRANIAN_BLOCKING_THREADS="${GRANIAN_BLOCKING_THREADS:-8}"
export GRANIAN_BACKLOG="${GRANIAN_BACKLOG:-2048}"
export GRANIAN_RESPAWN_FAILED_WORKERS="${GRANIAN_RESPAWN_FAILED_WORKERS:-true}"
export GRANIAN_WORKERS_KILL_TIMEOUT="${GRANIAN_WORKERS_KILL_TIMEOUT:-30}"
exec "${PYTHON:-python}" -m granian receipts_site.wsgi:application "$@"
