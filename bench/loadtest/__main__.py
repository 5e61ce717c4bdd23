"""python -m bench.loadtest (scripts/loadtest.sh): run the load test and print what it measured."""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import django
import redis

from bench.loadtest import report
from bench.loadtest.files import EngineSpeed, ReceiptPool, engine_speed
from bench.loadtest.monitor import CpuByRole, MemorySampler, QueueSampler, cpu_seconds, own_cpu_seconds
from bench.loadtest.stack import DEFAULT_DATABASE_URL, Stack


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/loadtest.sh", description=__doc__)
    add = parser.add_argument
    add("--batches", type=int, default=100, help="concurrent batches (100)")
    add("--files", type=int, default=10, help="receipts per batch (10)")
    add("--users", type=int, default=20, help="users sending them (20)")
    add("--workers", type=int, default=len(os.sched_getaffinity(0)), help="RQ workers (one per core)")
    add(
        "--fairness-big",
        type=int,
        default=200,
        help="the other user's receipts in the fairness check (200; 0 skips it)",
    )
    add("--fairness-small", type=int, default=5, help="the user's own receipts in the fairness check (5)")
    add("--pool", type=int, default=50, help="distinct synthetic receipts the uploads cycle through (50)")
    add("--deadline", type=float, default=3600, help="seconds after upload by which every receipt must be final")
    add("--database-url", default=DEFAULT_DATABASE_URL, help="PostgreSQL database to (re)create for the run")
    add("--web-server", choices=["granian", "runserver"], default="granian", help="web server (granian)")
    add("--web-args", default="", help="extra arguments for the web server (scripts/web.sh holds its settings)")
    add("--keep", action="store_true", help="keep the run's folder (logs, media) instead of deleting it")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # each figure shows as soon as it is known, in a log too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Stopped by TERM."))  # so the stack is stopped too
    folder = Path(tempfile.mkdtemp(prefix="receipts-loadtest-"))
    stack = Stack(folder, args.database_url, args.workers, args.web_args, args.web_server)
    os.environ.update(stack.env)  # this process reads the stack's database too
    django.setup()
    report.print_machine("before")
    print(
        f"{args.batches} batches of {args.files} receipts from {args.users} users; "
        f"{args.workers} workers; logs in {folder}"
    )
    try:
        stack.start()
        run(args, stack, folder)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not cut the stop short
        stack.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def run(args, stack, folder):
    from bench.loadtest import checks

    pool = ReceiptPool(folder / "pool", args.pool)
    memory = MemorySampler(stack.pids("web"), stack.pids("worker"))
    memory.start()
    before = measure_engine(args, pool)
    ids, answers, record, depth, spent = concurrent_load(args, stack, pool)
    after = measure_engine(args, pool)
    report.print_latencies(record)
    engines = EngineSpeed(
        (before.files_per_second + after.files_per_second) / 2, (before.cpu_per_file + after.cpu_per_file) / 2
    )
    report.print_outcome(checks.outcome(ids, answers), engines, args.workers, spent, os.cpu_count())
    report.print_queue(depth.rows, os.cpu_count())
    if args.fairness_big:
        fairness(args, stack, pool)
    memory.stop()
    report.print_memory(memory.peaks)
    report.print_machine("after")


def measure_engine(args, pool):
    """The OCR engines' own speed on the pool, as many processes at once as there are workers."""
    from django.conf import settings

    speed = engine_speed(pool.paths, args.workers, settings.RECEIPT_WORKER_NICENESS)
    print(
        f"OCR engines alone ({settings.RECEIPT_OCR_ENGINES}, the cascade's own calls, niceness "
        f"{settings.RECEIPT_WORKER_NICENESS}) on the {len(pool.paths)} pool files, {args.workers} at once: "
        f"{speed.files_per_second:.2f} files/s, {speed.cpu_per_file:.3f} s of CPU per file"
    )
    return speed


def concurrent_load(args, stack, pool):
    from bench.loadtest import checks, phases

    accounts = checks.make_accounts("load", args.users)
    queue = redis.Redis.from_url(stack.redis_url)
    depth = QueueSampler(lambda: queue.llen("rq:queue:receipts"), checks.receipt_counts)
    cpu = CpuByRole(stack_roles(stack))
    depth.start()
    cpu.start()
    started = time.monotonic()
    ids, answers, record = phases.concurrent_batches(stack.url, accounts, pool, args.batches, args.files, args.deadline)
    spent = cpu.stop()
    depth.stop()
    print(
        f"\nConcurrent batches: {len(ids)} of {args.batches} uploaded, "
        f"all polled to the end in {time.monotonic() - started:.0f} s"
    )
    report.print_cpu(spent, os.cpu_count())
    return ids, answers, record, depth, spent


def stack_roles(stack):
    """The processes whose CPU the load test accounts for, by role."""
    roles = {
        "workers": partial(cpu_seconds, stack.pids("worker")),
        "web server": partial(cpu_seconds, stack.pids("web")),
        "sweep and Redis": partial(cpu_seconds, stack.pids("sweep") + stack.pids("redis")),
        "load test (clients, samplers)": own_cpu_seconds,
    }
    postmaster = stack.postgres_pid()
    if postmaster:
        roles["PostgreSQL (all databases)"] = partial(cpu_seconds, [postmaster])
    return roles


def fairness(args, stack, pool):
    from django.conf import settings

    from bench.loadtest import checks, phases

    big, small = checks.make_accounts("fairness", 2)
    alone, behind, _ = phases.fairness(
        stack.url, big, small, pool, args.fairness_big, args.fairness_small,
        settings.RECEIPT_MAX_FILES_PER_BATCH, args.deadline,
    )  # fmt: skip
    report.print_fairness(alone, behind, args.fairness_small, args.fairness_big)


if __name__ == "__main__":
    sys.exit(main())
