"""Fault injection for the chaos suite: a Redis of its own, real workers and a real sweep, and ways
to hurt them (kill a reader, stop a worker, flush or restart Redis, cut database connections).

Only processes and connections this run started are touched: the Redis on its own free port,
workers in their own process groups, and PostgreSQL connections named CHAOS_APPLICATION_NAME.
"""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis
from django.db import connection
from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job

from tests.conftest import PROJECT_DIR, manage_command, signal_groups, wait_for, worker_environment

CHAOS_APPLICATION_NAME = f"receipts-chaos-{os.getpid()}"
# Shortened so the suite runs in minutes; production keeps the defaults.
CHAOS_SETTINGS = {
    "RECEIPT_JOB_TIMEOUT": 60,
    "RECEIPT_STUCK_AFTER": 8,
    "RECEIPT_REQUEUE_GRACE": 1,
    "RECEIPT_MAX_ATTEMPTS": 3,
    "RECEIPT_RETRY_INTERVALS": "0,0,0",
    "RECEIPT_DISPATCH_PER_USER": 3,  # the fair hand-out at work: most receipts wait in the database
    "RECEIPT_WORKER_HEARTBEAT": 1,  # a killed worker's job lapses in 3 s, before the 8 s above
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of this run's own, without persistence, that may be flushed and restarted."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = Path(directory)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=20, message="the chaos Redis to answer")

    def answers(self):
        try:
            return self.client().ping()
        except redis.RedisError:
            return False

    def client(self):
        return redis.Redis.from_url(self.url)

    def flushall(self):
        self.client().flushall()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self):
        self.stop()
        self.start()


class Cluster:
    """Real rqworker processes and a real sweep pointed at one Redis, and the faults to inflict on them."""

    def __init__(self, own_redis):
        self.redis = own_redis
        self.workers = {}
        self.sweep = None
        self.env = {
            **worker_environment(),
            "REDIS_URL": own_redis.url,
            "DATABASE_APPLICATION_NAME": CHAOS_APPLICATION_NAME,
            **{name: str(value) for name, value in CHAOS_SETTINGS.items()},
        }

    def start_worker(self):
        name = f"chaos-{os.getpid()}-{len(self.workers)}-{time.monotonic_ns()}"
        self.workers[name] = self.spawn(manage_command("rqworker", "receipts", "--with-scheduler", "--name", name))
        return name

    def start_sweep(self, every=0.5):
        self.sweep = self.spawn(manage_command("requeue_lost_receipts", "--every", str(every)))

    def spawn(self, command):
        return subprocess.Popen(
            command, env=self.env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def revive_dead_workers(self):
        """What a process supervisor does: start a new worker for each one that exited."""
        for name, process in list(self.workers.items()):
            if process.poll() is not None:
                del self.workers[name]
                self.start_worker()

    def current_job_id(self, worker_name):
        worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + worker_name, connection=self.redis.client())
        return worker.get_current_job_id() if worker else None

    def kill_reader(self, receipt):
        """SIGKILL the worker reading `receipt` (with its scheduler and any Tesseract it started),
        as the kernel's OOM killer would. True if one died.

        A worker reads its receipts in its own process: it is the reader while it still runs the
        receipt's job, checked just before the kill.
        """
        try:
            name = Job.fetch(receipt.job_id, connection=self.redis.client()).worker_name or ""
            worker = self.workers.get(name)
            if not worker or worker.poll() is not None or self.current_job_id(name) != receipt.job_id:
                return False
        except (NoSuchJobError, redis.RedisError):
            return False
        signal_groups([worker.pid], signal.SIGKILL)
        return True

    def stop_worker(self, name, sig):
        """Send `sig` (SIGSTOP, SIGCONT) to a worker's process group: the worker, its scheduler, its Tesseract."""
        signal_groups([self.workers[name].pid], sig)

    def terminate_database_connections(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                [CHAOS_APPLICATION_NAME],
            )
            return cursor.fetchone()[0]

    def shutdown(self):
        processes = [*self.workers.values(), self.sweep]
        for process in filter(None, processes):
            if process.poll() is None:
                signal_groups([process.pid], signal.SIGCONT)
                signal_groups([process.pid], signal.SIGKILL)
            process.wait()
