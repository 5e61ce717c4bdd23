"""The load test's own pieces, and one small run of it end to end (figures are not asserted)."""

import ast
import io
import os
import signal
import socket
import subprocess
import sys
import threading

import psycopg
from django.conf import settings
from PIL import Image

from bench.loadtest import monitor
from bench.loadtest.client import Connection, Record
from bench.loadtest.files import tagged
from bench.loadtest.monitor import CpuByRole, MemorySampler
from bench.loadtest.report import percentile, print_queue
from tests.conftest import PROJECT_DIR
from tests.receipt_images import image_bytes, receipt_lines, render_lines


def pixels(data):
    return Image.open(io.BytesIO(data)).convert("L").tobytes()


def test_a_tagged_jpeg_has_other_bytes_and_the_same_pixels():
    original = image_bytes(render_lines(receipt_lines()), "JPEG")

    copies = [tagged(original, b"upload 1"), tagged(original, b"upload 2")]

    assert len({original, *copies}) == 3
    assert all(pixels(copy) == pixels(original) for copy in copies)


def test_a_tagged_png_has_other_bytes_and_the_same_pixels():
    original = image_bytes(render_lines(receipt_lines()), "PNG")

    copy = tagged(original, b"upload 1")

    assert copy != original
    assert pixels(copy) == pixels(original)
    assert Image.open(io.BytesIO(copy)).text["Comment"] == "upload 1"


def test_percentiles_pick_the_value_at_that_rank():
    values = list(range(1, 101))

    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (51, 96, 100)
    assert str(percentile([], 0.5)) == "nan"


def test_the_cpu_by_role_adds_up_to_what_the_machine_spent():
    spent = {"workers": iter([10.0, 25.0]), "web server": iter([1.0, 3.0])}
    clock, steal = iter([100.0, 120.0]), iter([5.0, 6.0])
    cpu = CpuByRole({role: values.__next__ for role, values in spent.items()})
    cpu.snapshot = lambda: {**{role: seconds() for role, seconds in cpu.roles.items()},
                            "machine": next(clock), "steal": next(steal), "wall": 0.0}  # fmt: skip

    cpu.start()
    used = cpu.stop()

    assert (used["workers"], used["web server"], used["machine"], used["steal"], used["other"]) == (
        15.0, 2.0, 20.0, 1.0, 2.0,
    )  # fmt: skip


def test_the_queue_table_gives_each_spans_idle_and_stolen_share_of_the_cores(capsys):
    # seconds, in Redis, queued, processing, finished, load, idle and stolen seconds so far
    rows = [(0, 9, 9, 0, 0, 1.0, 100.0, 10.0), (5, 7, 7, 2, 0, 2.0, 101.0, 10.5), (10, 5, 5, 2, 2, 2.5, 101.0, 11.5)]

    print_queue(rows, cores=2, limit=20)

    lines = capsys.readouterr().out.splitlines()[-3:]
    assert lines[0].split() == ["0", "9", "9", "0", "0", "1.00", "0.0", "0.0"]
    assert lines[1].split() == ["5", "7", "7", "2", "0", "2.00", "10.0", "5.0"]
    assert lines[2].split() == ["10", "5", "5", "2", "2", "2.50", "0.0", "10.0"]


def test_the_memory_sampler_reads_pss_only_at_a_new_rss_peak_or_when_it_is_due(monkeypatch):
    rss = {1: 100, 2: 500}
    pss_reads = []
    monkeypatch.setattr(monitor, "children_by_parent", lambda: {})
    monkeypatch.setattr(monitor, "rss_kib", rss.get)
    monkeypatch.setattr(monitor, "memory_kib", lambda pid: pss_reads.append(pid) or (rss[pid], rss[pid] - 10))
    sampler = MemorySampler([1], [2], pss_every=3600)

    sampler.sample()  # the first sample is due
    first = len(pss_reads)
    for _ in range(5):
        sampler.sample()  # RSS as high as before, not higher
    steady = len(pss_reads) - first
    rss[2] = 600
    sampler.sample()

    assert (first, steady, pss_reads[-1]) == (2, 0, 2)
    assert sampler.peaks["one worker"] == [600, 590]
    assert sampler.peaks["web server"] == [100, 90]


def test_a_workers_memory_counts_the_programs_it_runs_but_not_the_copies_of_itself_it_forked():
    # A stand-in worker: it forks a copy of itself (as RQ forks its scheduler) and runs `sleep`
    # (as it runs Tesseract), then says both are up.
    script = (
        "import os, subprocess, sys, time\n"
        "if os.fork() == 0:\n    time.sleep(60)\n    os._exit(0)\n"
        "subprocess.Popen(['sleep', '60'])\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout.readline() == "ready\n"
        own, forks = monitor.split_forks(monitor.process_tree(worker.pid))
        assert own[0] == worker.pid
        assert [monitor.program(pid).rsplit("/", 1)[-1] for pid in own[1:]] == ["sleep"]
        assert len(forks) == 1 and monitor.program(forks[0]) == monitor.program(worker.pid)
    finally:
        signal_tree(worker.pid)
        worker.wait()


def signal_tree(pid):
    for child in reversed(monitor.process_tree(pid)):
        os.kill(child, signal.SIGKILL)


def run_benchmark(module, *arguments):
    """`python -m module arguments` on a database of its own, dropped afterwards."""
    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}"
    name = f"{db['NAME']}_{module.rsplit('.', 1)[-1]}"
    command = [sys.executable, "-m", module, *arguments, "--database-url", f"{server}/{name}"]
    try:
        return subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=600)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_small_load_test_runs_and_finds_nothing_wrong():
    result = run_benchmark(
        "bench.loadtest", "--batches", "3", "--files", "2", "--users", "2", "--workers", "2",
        "--fairness-big", "3", "--fairness-small", "2", "--pool", "4",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr[-3000:]
    expected = [
        "Concurrent batches: 3 of 3 uploaded",
        "Receipts: 6 sent, 6 completed, 0 failed",
        "Receipts lost (not final by the deadline): 0",
        "Receipts read more than once (2+ OCR steps logged): 0",
        "Batches whose counts disagree with their receipts: 0",
        "HTTP errors: none",
        "Fairness: 2 receipts alone",
    ]
    headings = ["poll: API", "poll: batch page", "upload", "Queue depth over time", "one worker", "web server",
                "CPU during the concurrent batches", "load test (clients, samplers)", "stolen by the hypervisor",
                "idle %", "OCR engines alone", "s of CPU per file",
                "made of: the workers' share of the cores"]  # fmt: skip
    missing = [line for line in expected + headings if line not in result.stdout]
    assert not missing, result.stdout


def test_the_poll_benchmark_measures_unchanged_and_full_polls_on_the_web_server():
    result = run_benchmark("bench.loadtest.polls", "--batches", "3", "--rate", "12", "--seconds", "2")

    assert result.returncode == 0, result.stderr[-3000:]
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith(("unchanged", "full"))}
    statuses = {kind: ast.literal_eval(row[row.index("{") :]) for kind, row in rows.items()}
    assert set(statuses["unchanged"]) == {304, 204}
    assert set(statuses["full"]) == {200}
    assert "An unchanged poll costs the web server" in result.stdout


def test_the_load_tests_client_reads_lengths_chunks_and_empty_answers_on_one_connection():
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"a\"\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\n\r\n",
        b"HTTP/1.1 204 No Content\r\n\r\n",
    ]
    listener = socket.create_server(("127.0.0.1", 0))
    requests = []

    def serve():
        conn, _ = listener.accept()
        with conn, conn.makefile("rb") as reader:
            for answer in answers:
                lines = []
                while (line := reader.readline()) not in (b"\r\n", b""):
                    lines.append(line)
                requests.append(lines)
                conn.sendall(answer)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    record = Record()
    connection = Connection(f"http://127.0.0.1:{listener.getsockname()[1]}", record)

    got = [connection.request("poll", "GET", f"/{n}", headers={"If-None-Match": '"a"'}) for n in range(4)]
    connection.close()
    listener.close()

    assert [(status, data) for status, _, data in got] == [(200, b"hello"), (200, b"abcde"), (304, b""), (204, b"")]
    assert got[0][1].getheader("ETag") == '"a"'
    assert len(requests) == 4 and requests[3][0] == b"GET /3 HTTP/1.1\r\n"
    assert b'If-None-Match: "a"\r\n' in requests[0]
    assert record.errors == {} and sum(record.statuses.values()) == 4
