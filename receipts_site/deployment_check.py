"""The staging check: upload a sample batch to a running deployment and check what comes back.

It speaks only HTTP, with an API token, so it runs against any deployment from anywhere.
Every wait shares one deadline: with no worker running it gives up at the timeout and says
how far the batch got.
"""

import json
import time
import urllib.error
import urllib.request
import uuid
from decimal import Decimal

from receipts_site.sample_batch import BROKEN_NAME, SAMPLES, broken_file

POLL_SECONDS = 1


class CheckFailed(Exception):
    """One step of the check did not hold; the message says which and why."""


class Deployment:
    """A running site reached over HTTP with a token, every request bounded by the deadline."""

    def __init__(self, url, token, timeout):
        self.url = url.rstrip("/")
        self.token = token
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout

    def remaining(self):
        return max(self.deadline - time.monotonic(), 0)

    def request(self, method, path, body=None, headers=None, token=True):
        headers = {"Accept": "application/json", **(headers or {})}
        if token:
            headers["Authorization"] = f"Token {self.token}"
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=max(min(self.remaining(), 30), 1)) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise CheckFailed(f"{method} {path} got no answer: {getattr(exc, 'reason', exc)}.") from None

    def json(self, method, path, expect, body=None, headers=None):
        status, _, content = self.request(method, path, body, headers)
        if status != expect:
            answer = content[:300].decode(errors="replace")
            raise CheckFailed(f"{method} {path} answered {status}, not {expect}: {answer}")
        return json.loads(content)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(files):
    """A multipart/form-data body with each (name, content type, bytes) as a `files` field."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, content_type, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def check_health(site):
    status, _, content = site.request("GET", "/healthz", token=False)
    if status != 200:
        try:
            checks = json.loads(content)["checks"]
            problems = "; ".join(f"{name}: {text}" for name, text in checks.items() if text != "ok")
        except (ValueError, KeyError, TypeError):
            problems = content[:200].decode(errors="replace")
        raise CheckFailed(f"/healthz answered {status}: {problems}")
    return "/healthz answers 200: database, Redis and a worker are up."


def upload_sample_batch(site):
    files = [(sample.name, sample.content_type, sample.data()) for sample in SAMPLES]
    files.append((BROKEN_NAME, "image/jpeg", broken_file()))
    body, content_type = multipart(files)
    return site.json("POST", "/api/batches", 201, body, {"Content-Type": content_type})


def wait_for_batch(site, batch_id):
    while True:
        batch = site.json("GET", f"/api/batches/{batch_id}", 200)
        if batch["status"] != "processing":
            return batch
        if site.remaining() <= 0:
            raise CheckFailed(
                f"The batch was not finished within {site.timeout:g} seconds: {batch['processed']}/{batch['total']} "
                "processed. Is a worker running and reading the same Redis?"
            )
        time.sleep(min(POLL_SECONDS, site.remaining()))


def check_good_receipts(batch):
    receipts = {receipt["original_filename"]: receipt for receipt in batch["receipts"]}
    for sample in SAMPLES:
        receipt = receipts.get(sample.name)
        if receipt is None:
            raise CheckFailed(f"{sample.name} is missing from the batch.")
        if receipt["status"] != "completed":
            raise CheckFailed(f"{sample.name} ended {receipt['status']}: {receipt['error'] or 'no reason given'}")
        merchant, date, total = receipt["merchant_raw"] or receipt["merchant"], receipt["date"], receipt["total"]
        if not merchant or date != sample.date or total is None or Decimal(total) != Decimal(sample.total):
            raise CheckFailed(
                f"{sample.name} was read as merchant {merchant!r}, date {date}, total {total}; "
                f"expected {sample.merchant}, {sample.date}, {sample.total}."
            )
    kinds = ", ".join(sample.image_format for sample in SAMPLES)
    return f"{len(SAMPLES)} good receipts ({kinds}) completed with the merchant, date and total they show."


def broken_receipt(batch):
    receipt = next((r for r in batch["receipts"] if r["original_filename"] == BROKEN_NAME), None)
    if receipt is None or receipt["status"] != "failed" or not receipt["error"]:
        state = receipt["status"] if receipt else "missing"
        raise CheckFailed(f"The broken file should have failed with a reason; it is {state}.")
    return receipt


def check_retry(site, batch, broken):
    """A completed receipt and the broken file (which fails the same way every time) are both
    refused with 409: retry is kept for failures a second attempt can mend."""
    completed = next(r for r in batch["receipts"] if r["status"] == "completed")
    site.json("POST", f"/api/receipts/{completed['id']}/retry", 409)
    if broken.get("retryable"):
        raise CheckFailed("The broken file is offered a retry, though it would fail the same way again.")
    refused = site.json("POST", f"/api/receipts/{broken['id']}/retry", 409)
    if refused.get("code") != broken.get("error_code"):
        raise CheckFailed(f"Retrying the broken file should answer its error code; it answered {refused}.")
    return "Retry answers 409 for a completed receipt and for the broken file, with the file's error code."


def check_export(site, batch):
    status, headers, content = site.request(
        "GET", f"/api/batches/{batch['id']}/export?format=csv", headers={"Accept": "text/csv"}
    )
    content_type = {key.lower(): value for key, value in headers.items()}.get("content-type", "")
    rows = content.decode(errors="replace").strip().splitlines()
    if status != 200 or not content_type.startswith("text/csv") or len(rows) != batch["total"] + 1:
        raise CheckFailed(f"The CSV export answered {status} ({content_type}) with {len(rows)} lines.")
    return f"The CSV export downloads: a header and {batch['total']} rows."


def check_batch_page(site, batch):
    path = f"/batches/{batch['id']}/"
    status, headers, _ = site.request("GET", path, token=False)
    location = {key.lower(): value for key, value in headers.items()}.get("location", "")
    if status != 302 or "/accounts/login/" not in location:
        raise CheckFailed(f"The batch page answered {status} to a visitor, not a redirect to the login page.")
    login_status, _, page = site.request("GET", location if location.startswith("/") else path, token=False)
    if login_status != 200 or b'name="password"' not in page:
        raise CheckFailed(f"The login page in front of the batch page answered {login_status}.")
    return "The batch page answers, behind the login page."


def run_check(url, token, timeout, report):
    """Run every step, calling report(ok, sentence) for each; returns the failures (empty when all held)."""
    site = Deployment(url, token, timeout)
    failures = []

    def step(name, action):
        try:
            result = action()
        except CheckFailed as exc:
            failures.append(f"{name}: {exc}")
            report(False, f"{name}: {exc}")
            return None
        report(True, result if isinstance(result, str) else result[0])
        return result if isinstance(result, str) else result[1]

    step("Health", lambda: check_health(site))
    batch = step("Sample batch", lambda: upload_and_wait(site))
    if batch is None:
        return failures
    step("Good receipts", lambda: check_good_receipts(batch))
    broken = step("Broken file", lambda: described_failure(broken_receipt(batch)))
    if broken is not None:
        step("Retry", lambda: check_retry(site, batch, broken))
    step("Export", lambda: check_export(site, batch))
    step("Batch page", lambda: check_batch_page(site, batch))
    return failures


def described_failure(receipt):
    return f"The broken file failed with its reason: {receipt['error']}", receipt


def upload_and_wait(site):
    uploaded = upload_sample_batch(site)
    batch = wait_for_batch(site, uploaded["id"])
    return (
        f"Uploaded the sample batch {batch['id']} ({batch['total']} files); it finished with "
        f"{batch['completed']} completed and {batch['failed']} failed.",
        batch,
    )
