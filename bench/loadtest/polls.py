"""What a progress poll costs the web server, measured on the running server.

    .venv/bin/python -m bench.loadtest.polls [--batches 100] [--rate 200] [--seconds 20]

Starts the load test's stack without workers (the web server as scripts/web.sh runs it, its
own Redis and a fresh database), makes one batch of two receipts for each of `--batches`
users, and polls every batch the way the batch page and an API script do, on one keep-alive
connection per batch, `--rate` requests a second in all:

- "unchanged": the API with the ETag it was given and the page's partial with its tag, which
  find nothing changed (304 and 204);
- "full": the same polls without what the client holds (200, the whole answer).

It prints the web server's CPU per poll of each kind (all its processes, from /proc), its
statuses, and the ratio of the two measured in the same run. The client is a plain socket
loop, so its own cost (also printed) stays small next to the server's.
"""

import argparse
import html
import io
import os
import re
import selectors
import shutil
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import django
from PIL import Image, ImageDraw

from bench.loadtest.client import Connection, Record
from bench.loadtest.monitor import cpu_seconds
from bench.loadtest.stack import DEFAULT_DATABASE_URL, Stack

DATABASE_URL = DEFAULT_DATABASE_URL.rsplit("/", 1)[0] + "/receipts_polls"  # not the load test's

HX_GET = re.compile(rb'id="batch-progress"[^>]*?hx-get="([^"]+)"')


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest.polls", description=__doc__)
    parser.add_argument("--batches", type=int, default=100, help="batches, each polled on its own connection (100)")
    parser.add_argument("--rate", type=int, default=200, help="requests per second in all (200)")
    parser.add_argument("--seconds", type=float, default=20, help="seconds each kind of poll is measured (20)")
    parser.add_argument("--database-url", default=DATABASE_URL, help="database to (re)create for the run")
    parser.add_argument("--web-args", default="", help="extra arguments for the web server")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="receipts-polls-"))
    stack = Stack(folder, args.database_url, 0, args.web_args)
    os.environ.update(stack.env)
    django.setup()
    try:
        stack.start()
        polls = make_polls(stack, args.batches)
        print(f"{args.batches} batches of 2 receipts, {args.rate} polls a second on {args.batches} connections")
        results = {kind: measure(stack, polls, kind, args.rate, args.seconds) for kind in ("unchanged", "full")}
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'poll':<10} {'answers':>8} {'server CPU per poll':>20} {'client CPU per poll':>20}  statuses")
    for kind, (answers, server, client, statuses) in results.items():
        print(f"{kind:<10} {answers:>8} {server * 1000:>17.3f} ms {client * 1000:>17.3f} ms  {dict(statuses)}")
    unchanged, full = results["unchanged"][1], results["full"][1]
    print(f"An unchanged poll costs the web server {unchanged / full:.2f} of a full one.")
    return 0


def make_polls(stack, batches):
    """Per batch: (API request without and with its ETag, page request without and with its tag)."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from batches.services import create_batch
    from bench.loadtest import checks

    polls = []
    host = f"127.0.0.1:{stack.port}"
    for account in checks.make_accounts("polls", batches):
        user = get_user_model().objects.get(username=account.username)
        files = [SimpleUploadedFile(name, small_png(name), "image/png") for name in ("a.png", "b.png")]
        batch = create_batch(user, files)  # queued for good: the stack has no workers
        api = raw_request(f"/api/batches/{batch.id}", host, token_headers(account))
        client = Connection(stack.url, Record())
        api_answer = client.request("setup", "GET", f"/api/batches/{batch.id}", headers=token_headers(account))
        page_answer = client.request("setup", "GET", f"/batches/{batch.id}/", headers=page_headers(account))
        client.close()
        if api_answer is None or page_answer is None or api_answer[0] != 200 or page_answer[0] != 200:
            raise RuntimeError(f"The first answers for batch {batch.id} were {api_answer} and {page_answer}.")
        etag = api_answer[1].getheader("ETag")
        tagged_page = html.unescape(HX_GET.search(page_answer[2]).group(1).decode())
        first_page = raw_request(f"/batches/{batch.id}/", host, page_headers(account)) + "\r\n"
        polls.append(
            {
                "full": [(api + "\r\n").encode(), first_page.encode()],
                "unchanged": [
                    (api + f"If-None-Match: {etag}\r\n\r\n").encode(),
                    (raw_request(tagged_page, host, page_headers(account)) + "\r\n").encode(),
                ],
            }
        )
    return polls


def small_png(text):
    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).text((20, 80), f"SHOP {text} TOTAL 9.99", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def raw_request(path, host, headers):
    """A GET's request line and headers, each line ended, for the blank line to be added."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", *(f"{name}: {value}" for name, value in headers.items())]
    return "".join(line + "\r\n" for line in lines)


def token_headers(account):
    return {"Authorization": f"Token {account.token}"}


def page_headers(account):
    return {"Cookie": f"sessionid={account.session_cookie}", "HX-Request": "true"}


def measure(stack, polls, kind, rate, seconds):
    """(answers, server CPU seconds per answer, client CPU seconds per answer, statuses)."""
    connections = [socket.create_connection(("127.0.0.1", stack.port)) for _ in polls]
    selector = selectors.DefaultSelector()
    for number, sock in enumerate(connections):
        selector.register(sock, selectors.EVENT_READ, number)
    interval = len(connections) / rate
    started = time.monotonic()
    due = [started + number * interval / len(connections) for number in range(len(connections))]
    turn = [0] * len(connections)  # API and page polls in turn, each waiting for its answer
    waiting = [False] * len(connections)
    statuses, answers = Counter(), 0
    server_before, client_before = cpu_seconds(stack.pids("web")), time.process_time()
    while time.monotonic() - started < seconds:
        now = time.monotonic()
        for number, sock in enumerate(connections):
            if not waiting[number] and due[number] <= now:
                sock.sendall(polls[number][kind][turn[number] % 2])
                turn[number] += 1
                waiting[number] = True
                due[number] += interval
        for key, _ in selector.select(timeout=0.002):
            data = key.fileobj.recv(1 << 20)
            if data.startswith(b"HTTP/1.1 "):  # a whole answer fits one read: polls are small
                statuses[int(data[9:12])] += 1
                answers += 1
                waiting[key.data] = False
    server = cpu_seconds(stack.pids("web")) - server_before
    client = time.process_time() - client_before
    for sock in connections:
        sock.close()
    return answers, server / max(answers, 1), client / max(answers, 1), statuses


if __name__ == "__main__":
    sys.exit(main())
