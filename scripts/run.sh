#!/usr/bin/env bash
# Sets everything up and runs the app: web server, RQ workers and the recovery sweep.
# SQLite and local files by default; a local Redis is started when none answers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export OMP_THREAD_LIMIT=1  # one Tesseract thread per worker: N workers use N cores
scripts/services.sh
port="${PORT:-8000}"
workers="${RECEIPT_WORKERS:-$(nproc)}"
python=.venv/bin/python

$python manage.py migrate --noinput -v0
mkdir -p .run
if [ ! -f .run/admin-password ]; then
  $python -c "import secrets; print(secrets.token_urlsafe(12))" > .run/admin-password
fi
ADMIN_PASSWORD="$(cat .run/admin-password)" $python manage.py ensure_admin admin
token="$($python manage.py drf_create_token admin | awk '{print $3}')"

# Metrics files of the previous run's processes: counts start again from zero.
rm -rf .run/metrics
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
for i in $(seq "$workers"); do
  $python manage.py rqworker receipts --with-scheduler --name "receipts-$(hostname)-$$-$i" >".run/worker-$i.log" 2>&1 &
  pids+=($!)
done
$python manage.py rqworker webhooks --with-scheduler >.run/webhooks.log 2>&1 &
pids+=($!)
$python manage.py requeue_lost_receipts --every 30 >.run/sweep.log 2>&1 &
pids+=($!)

cat <<INFO

  Receipts is running at http://127.0.0.1:$port/
  Log in as: admin / $(cat .run/admin-password)
  API token: $token   (curl -H "Authorization: Token $token" http://127.0.0.1:$port/api/batches)
  $workers workers and a webhook worker (logs in .run/). Press Ctrl+C to stop.
  Metrics: http://127.0.0.1:$port/metrics   Health: http://127.0.0.1:$port/healthz

INFO
$python manage.py runserver "0.0.0.0:$port" --noreload
