"""How many metrics files RQ's job processes leave, and what they cost /metrics.

    python -m receipts_site.metrics_bench [JOBS]

RQ runs every job in a forked child. With prometheus-client's default naming (by pid) each
child leaves files of its own, and every scrape merges all of them; MetricsWorker has the
children of one worker share that worker's file. This forks JOBS children that each count
one receipt the way a worker does, both ways, and prints the files left and the time to
render /metrics from them. It uses a directory of its own and needs no database.
"""

import os
import shutil
import sys
import tempfile
import time

SCRAPES = 5


def run(mode, jobs):
    directory = tempfile.mkdtemp(prefix=f"metrics-bench-{mode}-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
    from prometheus_client.multiprocess import MultiProcessCollector

    shared = {"name": None}
    values.ValueClass = values.MultiProcessValue(process_identifier=lambda: shared["name"] or str(os.getpid()))
    finished = Counter(f"bench_{mode}_finished", "Receipts finished.", ["outcome"])
    steps = Histogram(f"bench_{mode}_step_seconds", "Seconds per step.", ["step"])
    worker = os.getpid()
    for _ in range(jobs):
        child = os.fork()
        if child == 0:
            if mode == "per_worker":
                shared["name"] = f"{worker}-jobs"
            finished.labels("completed").inc()
            for step in ("ocr", "extraction", "enhancement", "receipt"):
                steps.labels(step).observe(0.5)
            os._exit(0)
        os.waitpid(child, 0)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    started = time.perf_counter()
    for _ in range(SCRAPES):
        text = generate_latest(registry).decode()
    seconds = (time.perf_counter() - started) / SCRAPES
    counted = next(line.split()[-1] for line in text.splitlines() if line.startswith(f"bench_{mode}_finished_total"))
    files = len(os.listdir(directory))
    shutil.rmtree(directory)
    return files, seconds, counted


def main():
    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    for mode in ("per_job", "per_worker"):
        files, seconds, counted = run(mode, jobs)
        print(f"{mode:>10}: {jobs} jobs -> {files} files, /metrics rendered in {seconds * 1000:.1f} ms, "
              f"counted {counted}")


if __name__ == "__main__":
    main()
