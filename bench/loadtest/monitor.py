"""Sampled during the run: memory (RSS and PSS) of web and worker processes, and queue depth."""

import os
import resource
import threading
import time
from collections import defaultdict
from pathlib import Path


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; (0, 0) once it has gone."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                values[key] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0, 0
    return values.get("Rss", 0), values.get("Pss", 0)


def children_by_parent() -> dict[int, list[int]]:
    """Every running process's children, from one pass over /proc."""
    parents = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            parents[parent].append(int(entry.name))
    return parents


def process_tree(pid: int, parents: dict[int, list[int]] | None = None) -> list[int]:
    """`pid` and every process below it (a worker's Tesseract and its scheduler, say)."""
    parents = children_by_parent() if parents is None else parents
    tree, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        tree.append(current)
        frontier += parents.get(current, [])
    return tree


class Sampler(threading.Thread):
    """Calls sample() every `interval` seconds until stopped."""

    def __init__(self, interval: float):
        super().__init__(daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)

    def stop(self):
        self.stopped.set()
        self.join()


class MemorySampler(Sampler):
    """Peak RSS and PSS per role: the whole web server, one worker (with its children), all workers."""

    def __init__(self, web_pids: list[int], worker_pids: list[int], interval: float = 0.5):
        super().__init__(interval)
        self.web_pids = web_pids
        self.worker_pids = worker_pids
        self.peaks: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def sample(self):
        parents = children_by_parent()
        web = self._tree_memory(self.web_pids, parents)
        workers = [self._tree_memory([pid], parents) for pid in self.worker_pids]
        self._keep("web server", web)
        for rss, pss in workers:
            self._keep("one worker", (rss, pss))
        self._keep("all workers", (sum(rss for rss, _ in workers), sum(pss for _, pss in workers)))

    def _tree_memory(self, pids, parents):
        totals = [0, 0]
        for root in pids:
            for pid in process_tree(root, parents):
                rss, pss = memory_kib(pid)
                totals[0] += rss
                totals[1] += pss
        return totals

    def _keep(self, role, values):
        peak = self.peaks[role]
        peak[0], peak[1] = max(peak[0], values[0]), max(peak[1], values[1])


class QueueSampler(Sampler):
    """Jobs waiting in Redis and receipts by status in the database, with the load average."""

    def __init__(self, queue_length, receipt_counts, interval: float = 5):
        super().__init__(interval)
        self.queue_length = queue_length
        self.receipt_counts = receipt_counts
        self.started = time.monotonic()
        self.rows: list[tuple] = []

    def sample(self):
        counts = self.receipt_counts()
        self.rows.append(
            (
                time.monotonic() - self.started,
                self.queue_length(),
                counts.get("queued", 0),
                counts.get("processing", 0),
                counts.get("completed", 0) + counts.get("failed", 0),
                os.getloadavg()[0],
            )
        )


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds used so far by `pids`, everything below them, and their children that ended."""
    ticks = 0
    parents = children_by_parent()
    for root in pids:
        for pid in process_tree(root, parents):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU seconds every core of the machine has spent busy since it started."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds of this process alone (its children are the stack, counted by role)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CpuByRole:
    """Where the CPU went between start() and stop(): each role's processes, and the rest.

    `roles` maps a role to a function giving its CPU seconds so far.
    """

    def __init__(self, roles: dict):
        self.roles = roles

    def snapshot(self) -> dict[str, float]:
        return {
            **{role: seconds() for role, seconds in self.roles.items()},
            "machine": machine_cpu_seconds(),
            "wall": time.monotonic(),
        }

    def start(self):
        self.first = self.snapshot()

    def stop(self) -> dict[str, float]:
        last = self.snapshot()
        spent = {role: last[role] - self.first[role] for role in last}
        spent["other"] = spent["machine"] - sum(spent[role] for role in self.roles)
        return spent
