#!/usr/bin/env bash
# Starts the local Redis (and, with --postgres, PostgreSQL) when they are not answering.
set -euo pipefail
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
if ! redis-cli -u "$redis_url" ping >/dev/null 2>&1; then
  case "$redis_url" in
    redis://127.0.0.1*|redis://localhost*)
      echo "Starting a local Redis"
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
      for _ in $(seq 50); do redis-cli -u "$redis_url" ping >/dev/null 2>&1 && break; sleep 0.1; done ;;
    *) echo "Redis at $redis_url does not answer" >&2; exit 1 ;;
  esac
fi
if [ "${1:-}" = "--postgres" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "Starting the local PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.1; done
fi
