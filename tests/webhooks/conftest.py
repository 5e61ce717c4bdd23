"""A real HTTP receiver on 127.0.0.1 and a real worker on the webhooks queue."""

import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from tests.conftest import PROJECT_DIR, manage_command, worker_environment


class Receiver:
    """Answers each POST with the next status in `statuses` (200 once they run out), after `delay` seconds."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.delay = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/hooks/receipts"

    def handler_class(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"received": status < 300}).encode())

            def log_message(self, *args):
                pass

        return Handler

    def json(self, index=-1):
        return json.loads(self.requests[index]["body"])


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    with override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=True):
        yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def run_webhook_worker(transactional_db):
    """Run a real worker on the webhooks queue until it is empty (private addresses allowed, as in these tests)."""

    def run(timeout=120):
        env = {**worker_environment(), "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "1"}
        result = subprocess.run(
            manage_command("rqworker", "webhooks", "--burst", "--with-scheduler"),
            env=env, capture_output=True, text=True, timeout=timeout, cwd=PROJECT_DIR,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        return result

    return run
