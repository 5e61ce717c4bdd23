"""python -m loadtest (scripts/loadtest.sh): run the load test and print what it measured."""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import django
import redis

from loadtest import report
from loadtest.files import ReceiptPool, engine_speed
from loadtest.monitor import MemorySampler, QueueSampler
from loadtest.stack import DEFAULT_DATABASE_URL, Stack


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
    add("--web-args", default="", help="extra gunicorn arguments (gunicorn.conf.py holds the defaults)")
    add("--keep", action="store_true", help="keep the run's folder (logs, media) instead of deleting it")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="receipts-loadtest-"))
    stack = Stack(folder, args.database_url, args.workers, args.web_args)
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
        stack.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def run(args, stack, folder):
    from django.conf import settings

    from loadtest import checks, phases
    from receipts.ocr import DEFAULT_LANGUAGES, installed_languages

    pool = ReceiptPool(folder / "pool", args.pool)
    languages = installed_languages(settings.RECEIPT_OCR_LANGUAGES or DEFAULT_LANGUAGES)
    speed = engine_speed(pool.paths, args.workers, languages)
    print(
        f"Plain Tesseract ({languages}) on the {len(pool.paths)} pool files, "
        f"{args.workers} at once: {speed:.2f} files/s"
    )
    accounts = checks.make_accounts("load", args.users)
    queue = redis.Redis.from_url(stack.redis_url)
    memory = MemorySampler(stack.pids("web"), stack.pids("worker"))
    depth = QueueSampler(lambda: queue.llen("rq:queue:receipts"), checks.receipt_counts)
    memory.start()
    depth.start()
    started = time.monotonic()
    ids, answers, record = phases.concurrent_batches(stack.url, accounts, pool, args.batches, args.files, args.deadline)
    depth.stop()
    print(
        f"\nConcurrent batches: {len(ids)} of {args.batches} uploaded, "
        f"all polled to the end in {time.monotonic() - started:.0f} s"
    )
    report.print_latencies(record)
    report.print_outcome(checks.outcome(ids, answers), speed, args.workers)
    report.print_queue(depth.rows)
    if args.fairness_big:
        big, small = checks.make_accounts("fairness", 2)
        alone, behind, _ = phases.fairness(
            stack.url, big, small, pool, args.fairness_big, args.fairness_small,
            settings.RECEIPT_MAX_FILES_PER_BATCH, args.deadline,
        )  # fmt: skip
        report.print_fairness(alone, behind, args.fairness_small, args.fairness_big)
    memory.stop()
    report.print_memory(memory.peaks)
    report.print_machine("after")


if __name__ == "__main__":
    sys.exit(main())
