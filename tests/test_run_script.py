"""scripts/run.sh starts one worker per core, says so, and a TERM stops everything it started.

run.sh runs for real here: on a free port, against this run's database and Redis database,
with its logs in a temporary folder.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from batches.services import create_batch
from receipts.models import Receipt
from tests.conftest import PROJECT_DIR, upload, wait_for, worker_environment
from tests.receipt_images import long_receipt_png

CORES = len(os.sched_getaffinity(0))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_table():
    """{pid: (parent pid, command line)} of every process now running."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (FileNotFoundError, ProcessLookupError):
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            table[int(entry.name)] = (int(parent), cmdline)
    return table


def descendants(pid):
    """{pid: command line} of every process below `pid`."""
    table = process_table()
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, (child_parent, cmdline) in table.items():
            if child_parent == parent and child not in found:
                found[child] = cmdline
                frontier.append(child)
    return found


def children(pid, word):
    return [child for child, (parent, cmdline) in process_table().items() if parent == pid and word in cmdline]


def workers(script):
    """The receipt workers: run.sh starts each from a subshell of its own that restarts it."""
    keepers = children(script.process.pid, "run.sh")
    return [worker for keeper in keepers for worker in children(keeper, "rqworker receipts")]


class RunScript:
    """scripts/run.sh in its own process group, its output in a file."""

    def __init__(self, tmp_path, **env):
        self.port = free_port()
        self.output = tmp_path / "run.out"
        environment = {
            **worker_environment(),
            "PORT": str(self.port),
            "RECEIPTS_RUN_DIR": str(tmp_path / "run"),
            **env,
        }
        with self.output.open("w") as out:
            self.process = subprocess.Popen(
                [str(PROJECT_DIR / "scripts" / "run.sh")],
                env=environment,
                cwd=PROJECT_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def text(self):
        return self.output.read_text()

    def wait_until_serving(self):
        def serving():
            assert self.process.poll() is None, self.text()[-3000:]
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", self.port)) == 0

        wait_for(serving, timeout=180, interval=0.2, message="run.sh's web server")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=240)

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def start_run_script(tmp_path, transactional_db):
    started = []

    def start(**env):
        script = RunScript(tmp_path, **env)
        started.append(script)
        return script

    yield start
    for script in started:
        script.kill()


def assert_all_gone(pids):
    def gone():
        alive = set(process_table())
        return not alive & set(pids)

    wait_for(gone, timeout=30, message="every process run.sh started to exit")


def test_run_starts_one_worker_per_core_though_it_limits_tesseract_threads(start_run_script):
    script = start_run_script()  # the environment already has OMP_THREAD_LIMIT=1
    script.wait_until_serving()

    assert f"Started {CORES} workers, one per core" in script.text()
    wait_for(lambda: len(workers(script)) == CORES, message="the workers")
    assert len(children(script.process.pid, "rqworker webhooks")) == 1
    assert len(children(script.process.pid, "requeue_lost_receipts")) == 1
    assert len(children(script.process.pid, "granian receipts_site.wsgi:application")) == 1


def test_receipt_workers_overrides_the_number_of_workers(start_run_script):
    script = start_run_script(RECEIPT_WORKERS="3")
    script.wait_until_serving()

    assert "Started 3 workers" in script.text()
    wait_for(lambda: len(workers(script)) == 3, message="three workers")


def test_a_worker_count_that_is_not_a_number_is_refused(start_run_script):
    script = start_run_script(RECEIPT_WORKERS="two")

    assert script.process.wait(timeout=120) == 2
    assert 'RECEIPT_WORKERS must be a whole number of workers, 1 or more (it is "two").' in script.text()


def test_term_stops_everything_after_the_receipt_being_read_is_finished(start_run_script, user):
    script = start_run_script(RECEIPT_WORKERS="2")
    script.wait_until_serving()
    wait_for(lambda: len(workers(script)) == 2, message="the workers")
    batch = create_batch(user, [upload("long.png", long_receipt_png(lines=120), "image/png")])
    receipt = batch.receipts.get()
    wait_for(
        lambda: Receipt.objects.get(pk=receipt.pk).status == Receipt.Status.PROCESSING,
        message="a worker to start reading the receipt",
    )
    started = descendants(script.process.pid)
    assert sum("rqworker receipts" in cmdline for cmdline in started.values()) >= 2

    assert script.stop() == 0

    assert_all_gone(started)
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.COMPLETED
    assert receipt.attempts == 1
    assert "Stopping the web server, the sweep, the webhook worker and 2 worker(s)" in script.text()


def test_term_while_idle_stops_every_process(start_run_script):
    script = start_run_script(RECEIPT_WORKERS="2")
    script.wait_until_serving()
    wait_for(lambda: len(workers(script)) == 2, message="the workers")
    started = descendants(script.process.pid)

    assert script.stop() == 0

    assert_all_gone(started)


def test_a_worker_that_dies_is_started_again(start_run_script, tmp_path):
    script = start_run_script(RECEIPT_WORKERS="2")
    script.wait_until_serving()
    wait_for(lambda: len(workers(script)) == 2, message="the workers")
    first, second = workers(script)
    time.sleep(11)  # a worker that ends in its first seconds is a start-up failure, not a crash

    os.kill(first, signal.SIGKILL)  # as the kernel's OOM killer would

    wait_for(lambda: len(workers(script)) == 2 and first not in workers(script), message="a new worker")
    assert second in workers(script)
    logs = "".join(path.read_text() for path in (tmp_path / "run").glob("worker-*.log"))
    assert "ended with status 137; starting it again." in logs
    started = descendants(script.process.pid)
    assert script.stop() == 0
    assert_all_gone(started)



def test_term_stops_the_web_server_even_when_one_of_its_processes_does_not_stop(tmp_path):
    # A granian process that gets TERM while it is still starting never stops by itself; here
    # one is made deaf to TERM by stopping it, and web.sh's kill timeout must end it.
    port = free_port()
    environment = {**worker_environment(), "PORT": str(port), "PYTHON": sys.executable}
    with (tmp_path / "web.out").open("w") as out:
        server = subprocess.Popen(
            [str(PROJECT_DIR / "scripts" / "web.sh")], env=environment, cwd=PROJECT_DIR,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_for(lambda: answers(port) and len(children(server.pid, "granian")) == 2, timeout=180,
                 message="the web server's two processes")  # fmt: skip
        deaf, other = children(server.pid, "granian")
        os.kill(deaf, signal.SIGSTOP)

        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)

        assert_all_gone([deaf, other])
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def answers(port):
    """True once the web server answers HTTP at all (its health check says 503 without workers)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
