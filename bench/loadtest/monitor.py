"""Sampled during the run: memory (RSS and PSS) of web and worker processes, and queue depth."""

import os
import resource
import threading
import time
from collections import defaultdict
from pathlib import Path

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def read_proc(path: str) -> bytes:
    """A /proc file's bytes; b"" once its process has gone."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return b""
    try:
        return os.read(fd, 4096)
    except ProcessLookupError:
        return b""
    finally:
        os.close(fd)


def rss_kib(pid: int) -> int:
    """RSS of one process in KiB, from the kernel's counters (cheap); 0 once it has gone."""
    fields = read_proc(f"/proc/{pid}/statm").split()
    return int(fields[1]) * PAGE_KIB if len(fields) > 1 else 0


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; (0, 0) once it has gone.

    The kernel walks the whole address space to count PSS: about 8 ms of CPU for a worker
    holding the OCR engines, charged to the process that asks.
    """
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
    with os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit():
                stat = read_proc(f"/proc/{entry.name}/stat")
                if stat:
                    parents[int(stat.rsplit(b")", 1)[1].split()[1])].append(int(entry.name))
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


def program(pid: int) -> str:
    """The file a process runs (a forked child runs its parent's until it execs another)."""
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def split_forks(tree: list[int]) -> tuple[list[int], list[int]]:
    """A worker's process tree (the worker first) as (the worker with the programs it runs, such
    as Tesseract; the copies of itself it forked, such as RQ's scheduler).

    A fork shares its parent's pages until either writes them: RSS counts them in both, so a
    worker's RSS with its scheduler's added would count most of the worker twice.
    """
    worker = program(tree[0])
    own, forks = [tree[0]], []
    for pid in tree[1:]:
        (forks if program(pid) == worker else own).append(pid)
    return own, forks


class MemorySampler(Sampler):
    """Peak RSS and PSS per role: the whole web server; one worker with the programs it runs
    (Tesseract); all workers; and the RQ schedulers the workers forked (see split_forks).

    RSS is read at every sample. PSS, which costs the kernel a walk of each address space, is
    read when a role's RSS reaches a new high, and at least every `pss_every` seconds:
    PSS peaks where RSS does, and reading it twice a second from every process took about
    2 % of the machine's CPU during the load test, away from the workers being measured.
    """

    def __init__(self, web_pids: list[int], worker_pids: list[int], interval: float = 0.5, pss_every: float = 5):
        super().__init__(interval)
        self.web_pids = web_pids
        self.worker_pids = worker_pids
        self.pss_every = pss_every
        self.next_pss = 0.0
        self.peaks: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def sample(self):
        parents = children_by_parent()
        trees = [split_forks(process_tree(root, parents)) for root in self.worker_pids]
        workers = [own for own, _ in trees]
        forks = [pid for _, tree_forks in trees for pid in tree_forks]
        web = [pid for root in self.web_pids for pid in process_tree(root, parents)]
        every = time.monotonic() >= self.next_pss
        if every:
            self.next_pss = time.monotonic() + self.pss_every
        pss = {}  # read once per process in a sample
        self._keep("web server", [web], every, pss)
        self._keep("one worker", workers, every, pss)
        self._keep("all workers", [[pid for tree in workers for pid in tree]], every, pss)
        self._keep("RQ schedulers", [forks], every, pss)

    def _keep(self, role, groups, every, pss):
        peak = self.peaks[role]
        for pids in groups:
            rss = sum(rss_kib(pid) for pid in pids)
            if every or rss > peak[0]:
                for pid in pids:
                    if pid not in pss:
                        pss[pid] = memory_kib(pid)[1]
                peak[1] = max(peak[1], sum(pss[pid] for pid in pids))
            peak[0] = max(peak[0], rss)


class QueueSampler(Sampler):
    """Jobs waiting in Redis and receipts by status in the database, with the load average and the
    machine's idle and stolen CPU seconds so far (report.print_queue shows each span's share)."""

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
                *machine_idle_and_steal(),
            )
        )


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds used so far by `pids`, everything below them, and their children that ended."""
    ticks = 0
    parents = children_by_parent()
    for root in pids:
        for pid in process_tree(root, parents):
            stat = read_proc(f"/proc/{pid}/stat")
            if stat:
                fields = stat.rsplit(b")", 1)[1].split()
                ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu_times() -> list[float]:
    """The first eight columns of /proc/stat's "cpu" line, in seconds summed over every core: user,
    nice, system, idle, iowait, irq, softirq, steal."""
    line = read_proc("/proc/stat").split(b"\n", 1)[0]
    return [int(value) / os.sysconf("SC_CLK_TCK") for value in line.split()[1:9]]


def machine_cpu_seconds() -> float:
    """CPU seconds every core of the machine has spent busy since it started, including time the
    hypervisor gave to other machines while this one had work (steal)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = machine_cpu_times()
    return user + nice + system + irq + softirq + steal


def machine_idle_and_steal() -> tuple[float, float]:
    """CPU seconds every core has spent idle (with nothing runnable, I/O waits included) and stolen
    by the hypervisor, since the machine started."""
    times = machine_cpu_times()
    return times[3] + times[4], times[7]


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
            "steal": machine_idle_and_steal()[1],
            "wall": time.monotonic(),
        }

    def start(self):
        self.first = self.snapshot()

    def stop(self) -> dict[str, float]:
        last = self.snapshot()
        spent = {role: last[role] - self.first[role] for role in last}
        spent["other"] = spent["machine"] - spent["steal"] - sum(spent[role] for role in self.roles)
        return spent
