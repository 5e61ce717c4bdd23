"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server,
with real RQ workers reading the receipts in the background.

Playwright's sync API runs an event loop in the test thread, so Django would refuse database
calls there without DJANGO_ALLOW_ASYNC_UNSAFE. Screenshots are written only when
RECEIPTS_SCREENSHOTS_DIR names a directory (docs/screenshots/ is made that way).
"""

import base64
import os
import signal
import subprocess
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.conftest import PROJECT_DIR, manage_command, worker_environment  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "receipts-pass-1"
# OCR on a small machine is slow; these are ceilings, never expectations.
expect.set_options(timeout=60_000)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 860})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def logged_in_page(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Upload receipts")).to_be_visible()
    expect(page.locator("form.enhanced[data-upload-zone]")).to_be_attached()  # the zone's script ran
    return page


@pytest.fixture
def workers(live_server, transactional_db, tmp_path):
    """Two RQ workers (with the scheduler, for retries) for the length of one test."""
    processes = []
    for number in range(2):
        log = open(tmp_path / f"worker-{number}.log", "wb")  # closed after the worker stops
        process = subprocess.Popen(
            manage_command("rqworker", "receipts", "--with-scheduler"),
            env=worker_environment(),
            cwd=PROJECT_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append((process, log))
    yield
    for process, _log in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process, log in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def screenshot(page, name):
    directory = os.environ.get("RECEIPTS_SCREENSHOTS_DIR")
    if directory:
        page.wait_for_function("Array.from(document.images).every((image) => image.complete && image.naturalWidth)")
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


DROP_FILES = """([selector, files]) => {
  const transfer = new DataTransfer();
  for (const file of files) {
    const bytes = file.data !== null
      ? Uint8Array.from(atob(file.data), (ch) => ch.charCodeAt(0))
      : new Uint8Array(file.size);
    transfer.items.add(new File([bytes], file.name, { type: file.type }));
  }
  const zone = document.querySelector(selector);
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }
}"""


def drop_files(page, files, selector="[data-dropzone]"):
    """Drop files on the zone with real drag-and-drop events and a DataTransfer made in the page.

    `files` are (name, content type, bytes) or (name, content type, size) for a blank file.
    """
    payload = [
        {"name": name, "type": kind, "data": base64.b64encode(content).decode(), "size": len(content)}
        if isinstance(content, bytes)
        else {"name": name, "type": kind, "data": None, "size": content}
        for name, kind, content in files
    ]
    page.evaluate(DROP_FILES, [selector, payload])
