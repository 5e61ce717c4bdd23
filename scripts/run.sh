#!/usr/bin/env bash
# Sets everything up and runs the app: web server (granian), RQ workers and the recovery sweep.
# SQLite and local files by default; a local Redis is started when none answers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
# One worker per core the script may run on; counted before OMP_THREAD_LIMIT is exported,
# because nproc honours it (and OMP_NUM_THREADS) and would then say 1.
workers="${RECEIPT_WORKERS:-$(env -u OMP_THREAD_LIMIT -u OMP_NUM_THREADS nproc)}"
if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then
  echo "RECEIPT_WORKERS must be a whole number of workers, 1 or more (it is \"$workers\")." >&2
  exit 2
fi
export OMP_THREAD_LIMIT=1  # one Tesseract thread per worker: N workers use N cores
scripts/services.sh
port="${PORT:-8000}"
python=.venv/bin/python

$python manage.py migrate --noinput -v0
run_dir="${RECEIPTS_RUN_DIR:-.run}"  # logs and the admin password
mkdir -p "$run_dir"
if [ ! -f "$run_dir/admin-password" ]; then
  $python -c "import secrets; print(secrets.token_urlsafe(12))" > "$run_dir/admin-password"
fi
ADMIN_PASSWORD="$(cat "$run_dir/admin-password")" $python manage.py ensure_admin admin
token="$($python manage.py drf_create_token admin | awk '{print $3}')"

# Metrics files of the previous run's processes: counts start again from zero. A directory
# named in PROMETHEUS_MULTIPROC_DIR may be shared with processes started elsewhere: left alone.
[ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ] || rm -rf .run/metrics
# TERM (kill, a supervisor, docker stop) or Ctrl+C stops everything started here. Workers take
# TERM as a warm shutdown: each finishes the receipt it is reading, then exits, so the stop
# waits for them. Everything runs in the background, because bash runs a trap only once the
# foreground command has ended.
pids=()
stop() {
  trap - EXIT INT TERM
  if [ "${#pids[@]}" -gt 0 ]; then
    echo "Stopping the web server, the sweep, the webhook worker and ${workers} worker(s); each worker finishes its current receipt first."
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  exit "${1:-0}"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT
# A worker reads receipts in its own process (receipts/worker.py). One that dies (the kernel's
# OOM killer, a crash in a native library) is started again here, under a new name, and the
# sweep gives its receipt back to the queue. One that ends within a few seconds of starting
# (a configuration error, say) is not: that ends the script like any other process here.
keep_worker() {
  local i="$1" log="$run_dir/worker-$1.log" run=0 child started status
  trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" || true; exit 0' TERM
  while :; do
    run=$((run + 1))
    started=$SECONDS
    # Workers lower their own CPU priority (RECEIPT_WORKER_NICENESS) so the web server answers first.
    $python manage.py rqworker receipts --with-scheduler --name "receipts-$(hostname)-$$-$i-$run" >>"$log" 2>&1 &
    child=$!
    status=0
    wait "$child" || status=$?
    if [ "$status" = 0 ] || [ $((SECONDS - started)) -lt 10 ]; then
      exit "$status"
    fi
    echo "run.sh: worker $i ended with status $status; starting it again." >>"$log"
  done
}
for i in $(seq "$workers"); do
  : >"$run_dir/worker-$i.log"
  keep_worker "$i" &
  pids+=($!)
done
$python manage.py rqworker webhooks --with-scheduler >"$run_dir/webhooks.log" 2>&1 &
pids+=($!)
$python manage.py requeue_lost_receipts --every 30 >"$run_dir/sweep.log" 2>&1 &
pids+=($!)

cat <<INFO

  Receipts is running at http://127.0.0.1:$port/
  Log in as: admin / $(cat "$run_dir/admin-password")
  API token: $token   (curl -H "Authorization: Token $token" http://127.0.0.1:$port/api/batches)
  Started $workers workers, one per core (RECEIPT_WORKERS changes it), and a webhook worker;
  logs in $run_dir/. Press Ctrl+C to stop.
  Metrics: http://127.0.0.1:$port/metrics   Health: http://127.0.0.1:$port/healthz

INFO
PYTHON=$python scripts/web.sh --host "${RECEIPT_BIND_ADDRESS:-127.0.0.1}" --port "$port" &  # processes, threads, backlog
pids+=($!)
# Any of them ending (the web server failing to bind, say) stops the rest.
wait -n "${pids[@]}" || true
echo "A process started here has ended; stopping the others." >&2
stop 1
