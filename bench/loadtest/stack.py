"""Start and stop the stack under test: Redis, a fresh database, the web server, workers, the sweep."""

import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis
from rq import Worker

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/receipts_loadtest"
PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(database_url: str) -> None:
    """Drop and create the load test's own database, so every run starts empty."""
    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


class Stack:
    """Every process of one deployment, started from this checkout, in `folder`."""

    def __init__(self, folder: Path, database_url: str, workers: int, web_args: str, web_server: str = "granian"):
        self.folder = folder
        self.workers = workers
        self.web_args = shlex.split(web_args)
        self.web_server = web_server
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.database_url = database_url
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "receipts_site.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": self.redis_url,
            "MEDIA_ROOT": str(folder / "media"),
            "STATIC_ROOT": str(folder / "static"),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(32),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE": "0",  # plain HTTP on 127.0.0.1
            "OMP_THREAD_LIMIT": "1",
            "LOG_LEVEL": "WARNING",
        }

    def start(self) -> None:
        self._spawn(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )
        wait_until(lambda: redis.Redis.from_url(self.redis_url).ping(), "Redis")
        recreate_database(self.database_url)
        self._manage("migrate", "--noinput", "-v0")
        self._manage("collectstatic", "--noinput", "-v0")
        self._spawn("web", self.web_command(), DATABASE_APPLICATION_NAME="receipts-loadtest-web", PYTHON=sys.executable)
        for number in range(1, self.workers + 1):
            self._spawn(
                f"worker-{number}",
                [
                    sys.executable,
                    "manage.py",
                    "rqworker",
                    "receipts",
                    "--with-scheduler",
                    "--name",
                    f"loadtest-{os.getpid()}-{number}",
                ],
                DATABASE_APPLICATION_NAME="receipts-loadtest-worker",
            )
        self._spawn("sweep", [sys.executable, "manage.py", "requeue_lost_receipts", "--every", "30"])
        wait_until(self._web_answers, "the web server")
        # A worker registers once its OCR engines are loaded: nothing is measured while they load.
        workers = redis.Redis.from_url(self.redis_url)
        wait_until(lambda: len(Worker.all(connection=workers)) >= self.workers, "the workers")

    def web_command(self) -> list[str]:
        """The web server as scripts/web.sh sets it up, or Django's development server to compare."""
        if self.web_server == "runserver":
            return [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload", *self.web_args]
        return ["scripts/web.sh", "--host", "127.0.0.1", "--port", str(self.port), *self.web_args]

    def stop(self) -> None:
        """TERM everything (workers finish their receipt), then KILL what is left after a minute."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 60
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def pids(self, role: str) -> list[int]:
        return [process.pid for name, process in self.processes.items() if name.startswith(role)]

    def postgres_pid(self) -> int | None:
        """The PostgreSQL server's main process when it runs on this machine, else None."""
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            directory = connection.execute("SHOW data_directory").fetchone()[0]
        try:
            return int(Path(directory, "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _web_answers(self) -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def _spawn(self, name: str, command: list[str], **env) -> None:
        log = (self.folder / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(
            command, cwd=PROJECT_DIR, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT
        )

    def _manage(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=self.env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def wait_until(predicate, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (OSError, redis.RedisError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} seconds.")
