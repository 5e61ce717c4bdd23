"""HTTP side of the load: uploads, and polls the way the batch page and an API script do.

Each thread keeps one keep-alive connection, as a browser tab would. The API poll sends the ETag
it last got back (If-None-Match), as a script following the API docs does; the page poll asks
for the URL in the partial's `hx-get` (which carries the tag of what it shows), as htmx does.
"""

import html
import json
import re
import secrets
import socket
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

FINISHED = {"completed", "completed_with_errors"}
HTMX_STOP_POLLING = 286
HX_GET = re.compile(r'id="batch-progress"[^>]*?hx-get="([^"]+)"')
TIMEOUT = 60


@dataclass
class Account:
    username: str
    token: str
    session_cookie: str


@dataclass
class Record:
    """Latencies per kind of request and every error, from all threads."""

    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)  # (kind, HTTP status): how many answers
    lock: threading.Lock = field(default_factory=threading.Lock)
    first: float = 0.0  # when the first and last answers came, for the request rate
    last: float = 0.0

    def add(self, kind, seconds, status):
        now = time.monotonic()
        with self.lock:
            self.first = self.first or now
            self.last = now
            self.latencies[kind].append(seconds)
            self.statuses[kind, status] += 1
            if status >= 400 and status != HTMX_STOP_POLLING:
                self.errors[f"HTTP {status}"] += 1

    def connection_error(self, exc):
        with self.lock:
            self.errors[f"connection error: {type(exc).__name__}"] += 1


class BadResponse(ValueError):
    """An answer that is not HTTP/1.1 as the client reads it."""


class Response:
    """An answer's status and headers (names in lower case)."""

    def __init__(self, status: int, headers: dict[str, str]):
        self.status = status
        self.headers = headers

    def getheader(self, name, default=None):
        return self.headers.get(name.lower(), default)


class Connection:
    """One keep-alive HTTP/1.1 connection that reconnects after an error.

    A plain socket and a few lines of parsing rather than http.client: the load test runs on
    the machine it measures, and http.client's header parsing cost its clients several times
    the CPU of this, taken from the workers being measured.
    """

    def __init__(self, base_url: str, record: Record):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.record = record
        self.sock = self.reader = None

    def request(self, kind, method, path, body=None, headers=None):
        """(status, response, body) or None after a connection error, which is recorded."""
        started = time.monotonic()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        try:
            if self.sock is None:
                self.sock = socket.create_connection((self.host, self.port), timeout=TIMEOUT)
                self.reader = self.sock.makefile("rb")
            self.sock.sendall("\r\n".join(lines).encode("latin-1") + b"\r\n\r\n")
            if body:
                self.sock.sendall(body)
            response, data = self._answer(method)
        except (OSError, ValueError) as exc:
            self.record.connection_error(exc)
            self.close()
            return None
        self.record.add(kind, time.monotonic() - started, response.status)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, response, data

    def _answer(self, method):
        status_line = self.reader.readline(65537)
        if not status_line:
            raise ConnectionResetError("The server closed the connection.")
        version, _, rest = status_line.partition(b" ")
        if not version.startswith(b"HTTP/"):
            raise BadResponse(f"Not an HTTP status line: {status_line[:80]!r}")
        status = int(rest[:3])
        headers = {}
        while (line := self.reader.readline(65537)) not in (b"\r\n", b"\n", b""):
            name, _, value = line.partition(b":")
            headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
        response = Response(status, headers)
        if method == "HEAD" or status in (204, 304) or status < 200:
            return response, b""
        if "content-length" in headers:
            data = self.reader.read(int(headers["content-length"]))
            if len(data) != int(headers["content-length"]):
                raise ConnectionResetError("The answer ended early.")
            return response, data
        if headers.get("transfer-encoding", "").lower() == "chunked":
            return response, self._chunks()
        headers["connection"] = "close"  # the body runs to the end of the connection
        return response, self.reader.read()

    def _chunks(self):
        chunks = []
        while size := int(self.reader.readline(65537).split(b";")[0], 16):
            chunks.append(self.reader.read(size))
            self.reader.readline(65537)
        while self.reader.readline(65537) not in (b"\r\n", b"\n", b""):  # trailers
            pass
        return b"".join(chunks)

    def close(self):
        if self.sock is not None:
            self.reader.close()
            self.sock.close()
            self.sock = self.reader = None


def upload_batch(connection: Connection, account: Account, files) -> str | None:
    """POST /api/batches with `files` [(name, bytes, type)]; the new batch's id, or None."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, data, content_type in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Authorization": f"Token {account.token}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
    answer = connection.request("upload", "POST", "/api/batches", body, headers)
    if answer is None or answer[0] != 201:
        return None
    return json.loads(answer[2])["id"]


class BatchPoller:
    """Polls one batch once a second through the API and the batch page's partial until both say done."""

    def __init__(self, connection: Connection, account: Account, batch_id: str, interval: float = 1.0):
        self.connection = connection
        self.account = account
        self.batch_id = batch_id
        self.interval = interval
        self.etag = None
        self.page_url = f"/batches/{batch_id}/"  # then the partial's own hx-get
        self.api_done = self.page_done = False

    def run(self, deadline: float) -> bool:
        while not (self.api_done and self.page_done) and time.monotonic() < deadline:
            started = time.monotonic()
            if not self.api_done:
                self.api_done = self._poll_api()
            if not self.page_done:
                self.page_done = self._poll_page()
            time.sleep(max(0.0, self.interval - (time.monotonic() - started)))
        return self.api_done and self.page_done

    def _poll_api(self):
        headers = {"Authorization": f"Token {self.account.token}"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        answer = self.connection.request("poll: API", "GET", f"/api/batches/{self.batch_id}", headers=headers)
        if answer is None or answer[0] != 200:
            return False
        self.etag = answer[1].getheader("ETag") or self.etag
        return json.loads(answer[2])["status"] in FINISHED

    def _poll_page(self):
        headers = {"Cookie": f"sessionid={self.account.session_cookie}", "HX-Request": "true"}
        answer = self.connection.request("poll: batch page", "GET", self.page_url, headers=headers)
        if answer is None:
            return False
        if answer[0] == 200:
            found = HX_GET.search(answer[2].decode())
            self.page_url = html.unescape(found.group(1)) if found else self.page_url
        return answer[0] == HTMX_STOP_POLLING
