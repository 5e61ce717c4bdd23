"""Print what the load test measured, one section per question part 4 of the plan asks."""

import os


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def print_latencies(record):
    print("\nLatency (ms)              requests     p50     p95     p99     max")
    for kind in sorted(record.latencies):
        values = [seconds * 1000 for seconds in record.latencies[kind]]
        print(
            f"  {kind:<22} {len(values):>9} {percentile(values, 0.50):>7.0f} {percentile(values, 0.95):>7.0f} "
            f"{percentile(values, 0.99):>7.0f} {max(values):>7.0f}"
        )
    duration = record.last - record.first if record.latencies else 0
    polls = sum(len(values) for kind, values in record.latencies.items() if kind.startswith("poll"))
    if duration:
        print(f"  polls per second: {polls / duration:.0f} over {duration:.0f} s")
    for kind in sorted(kind for kind in record.latencies if kind.startswith("poll")):
        answers = sorted((status, count) for (of, status), count in record.statuses.items() if of == kind)
        print(f"  {kind} answers: " + ", ".join(f"{status} x{count}" for status, count in answers))
    print("HTTP errors: " + (", ".join(f"{name} x{count}" for name, count in sorted(record.errors.items())) or "none"))


def print_outcome(outcome, engines, workers, spent, cores):
    """`engines`: the engines alone (EngineSpeed, mean of before and after); `spent`: CPU seconds
    by role during the concurrent batches (monitor.CpuByRole)."""
    print(f"\nReceipts: {outcome.receipts} sent, {outcome.completed} completed, {outcome.failed} failed")
    for error, count in outcome.failures.items():
        print(f"  failed x{count}: {error}")
    print(f"Receipts lost (not final by the deadline): {outcome.lost}")
    print(f"Receipts read more than once (2+ OCR steps logged): {outcome.read_more_than_once}")
    print(f"Receipts taken more than once (attempts > 1): {outcome.retried}")
    print(f"Batches whose counts disagree with their receipts: {len(outcome.counts_disagree)}")
    for line in outcome.counts_disagree[:10]:
        print(f"  {line}")
    speed = engines.files_per_second
    ratio = outcome.throughput / speed if speed else float("nan")
    print(
        f"Throughput: {outcome.throughput:.2f} receipts/s over {outcome.seconds:.0f} s; the OCR engines alone on the "
        f"same files with {workers} processes (mean of before and after): {speed:.2f} files/s; ratio {ratio:.2f}"
    )
    # The ratio is the workers' share of the cores times how close each receipt's CPU comes to the
    # engines' own: printed apart, they say which of the two to work on.
    if outcome.completed and engines.cpu_per_file:
        per_receipt = spent["workers"] / outcome.completed
        share = spent["workers"] / (spent["wall"] * cores)
        print(
            f"  made of: the workers' share of the cores {100 * share:.1f} %, and their CPU per receipt "
            f"{per_receipt:.3f} s against the engines' own {engines.cpu_per_file:.3f} s per file "
            f"({per_receipt / engines.cpu_per_file:.2f}x)"
        )


def print_cpu(spent, cores):
    """CPU seconds by role during the concurrent batches, with each one's share of every core."""
    available = spent["wall"] * cores
    print(f"CPU during the concurrent batches ({cores} cores x {spent['wall']:.0f} s = {available:.0f} core-seconds)")
    for role, seconds in spent.items():
        if role not in ("wall", "machine", "steal"):
            print(f"  {role:32} {seconds:8.1f} s  {100 * seconds / available:5.1f} %")
    steal = spent.get("steal", 0.0)
    print(f"  {'stolen by the hypervisor':32} {steal:8.1f} s  {100 * steal / available:5.1f} %")
    print(f"  {'idle':32} {available - spent['machine']:8.1f} s  {100 * (1 - spent['machine'] / available):5.1f} %")


def print_queue(rows, cores, limit=20):
    """Every few samples of QueueSampler, with the share of the machine's CPU that was idle and
    that the hypervisor took since the row before (on the first row, since the sample before)."""
    print("\nQueue depth over time")
    print("     s  in Redis  queued  processing  finished  load avg  idle %  stolen %")
    step = max(1, len(rows) // limit)
    indexes = list(range(0, len(rows), step))
    if rows and indexes[-1] != len(rows) - 1:
        indexes.append(len(rows) - 1)
    for number, index in enumerate(indexes):
        seconds, redis_jobs, queued, processing, finished, load, idle, steal = rows[index]
        before = rows[indexes[number - 1] if number else max(0, index - 1)]
        available = (seconds - before[0]) * cores
        idle_share = 100 * (idle - before[6]) / available if available else 0.0
        steal_share = 100 * (steal - before[7]) / available if available else 0.0
        print(
            f"  {seconds:>4.0f}  {redis_jobs:>8}  {queued:>6}  {processing:>10}  {finished:>8}  {load:>8.2f}"
            f"  {idle_share:>6.1f}  {steal_share:>8.1f}"
        )


def print_fairness(alone, behind, small, big):
    ratio = behind / alone if alone else float("nan")
    print(
        f"\nFairness: {small} receipts alone {alone:.1f} s; sent 3 s after another user's {big}: "
        f"{behind:.1f} s; ratio {ratio:.1f}"
    )


def print_memory(peaks):
    print("\nPeak memory (MiB)            RSS      PSS")
    for role in ("web server", "one worker", "all workers", "RQ schedulers"):
        rss, pss = peaks.get(role, (0, 0))
        print(f"  {role:<24} {rss / 1024:>7.0f}  {pss / 1024:>7.0f}")


def print_machine(label):
    load = os.getloadavg()
    print(f"Machine {label}: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
