"""Peak memory of one worker reading the largest inputs the upload checks accept.

    .venv/bin/python -m bench.loadtest.memory [--database-url postgres://...]

Starts the same stack as the load test with one worker, uploads each file alone through the
API and samples the worker (with the Tesseract processes it starts, not the RQ scheduler it
forks: see monitor.split_forks) while it reads it:
a 60-megapixel photo, a 20-page scanned PDF whose pages are poster-sized, and a 20-frame
TIFF whose every frame has 60 megapixels.
"""

import argparse
import io
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import django
import redis
from PIL import Image
from rq import Worker

from bench.loadtest.client import Connection, Record, upload_batch
from bench.loadtest.monitor import MemorySampler
from bench.loadtest.stack import DEFAULT_DATABASE_URL, Stack, wait_until
from bench.synthetic import make_synthetic_set

MAX_PIXELS = 60_000_000
MAX_PAGES = 20
MAX_FILE_BYTES = 20 * 1024 * 1024


def receipts(folder: Path, count: int) -> list[Image.Image]:
    make_synthetic_set(folder, count)
    return [Image.open(path).convert("L") for path in sorted(folder.glob("*.[jp][pn]g"))]


def largest_frame(width_to_height: float) -> tuple[int, int]:
    width = int(math.sqrt(MAX_PIXELS * width_to_height))
    return width, MAX_PIXELS // width


def on_canvas(receipt: Image.Image, size: tuple[int, int], mode: str) -> Image.Image:
    """The receipt enlarged to two thirds of the canvas height, on paper of `size`."""
    canvas = Image.new(mode, size, "white")
    scale = size[1] * 2 / 3 / receipt.height
    enlarged = receipt.resize((round(receipt.width * scale), round(receipt.height * scale)))
    enlarged = enlarged.point(lambda value: 255 if value > 160 else 0) if mode == "1" else enlarged
    canvas.paste(enlarged.convert(mode), ((size[0] - enlarged.width) // 2, size[1] // 6))
    return canvas


def photo(receipt) -> tuple[str, bytes, str]:
    """A 60-megapixel colour photo (3:2) of a receipt."""
    image = on_canvas(receipt, largest_frame(1.5), "RGB")
    return "photo-60mp.jpg", encode(image, "JPEG", quality=85), "image/jpeg"


def scanned_pdf(pages) -> tuple[str, bytes, str]:
    """20 image-only pages, each large enough that it is rendered at the 12 MP render cap."""
    images = [on_canvas(page, (1700, 2400), "L") for page in pages]
    data = encode(images[0], "PDF", save_all=True, append_images=images[1:], resolution=40)
    return "scan-20-pages.pdf", data, "application/pdf"


def multi_frame_tiff(pages) -> tuple[str, bytes, str]:
    """20 bilevel frames of 60 megapixels each, compressed with CCITT group 4."""
    size = largest_frame(0.7)
    images = [on_canvas(page, size, "1") for page in pages]
    data = encode(images[0], "TIFF", save_all=True, append_images=images[1:], compression="group4")
    return "fax-20-frames.tif", data, "image/tiff"


def encode(image, fmt, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    data = buffer.getvalue()
    if len(data) > MAX_FILE_BYTES:
        raise RuntimeError(f"The {fmt} input is {len(data):,} bytes, over the upload limit.")
    return data


def measure(stack, account, upload, deadline_seconds=1800):
    """(peak RSS, peak PSS in KiB, seconds, final status) of the worker reading one upload."""
    from bench.loadtest import checks

    sampler = MemorySampler([], stack.pids("worker"), interval=0.05)
    sampler.start()
    started = time.monotonic()
    batch_id = upload_batch(Connection(stack.url, Record()), account, [upload])
    if batch_id is None:
        sampler.stop()
        raise RuntimeError(f"{upload[0]} was refused at upload.")
    while checks.batch_seconds(batch_id) is None and time.monotonic() - started < deadline_seconds:
        time.sleep(0.2)
    sampler.stop()
    rss, pss = sampler.peaks["one worker"]
    return rss, pss, time.monotonic() - started, checks.batch_status(batch_id)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest.memory", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="database to (re)create for the run")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="receipts-memory-"))
    os.environ.setdefault("RECEIPT_JOB_TIMEOUT", "1800")  # measure the whole read, however long
    stack = Stack(folder, args.database_url, 1, "")
    os.environ.update(stack.env)
    django.setup()
    from bench.loadtest import checks

    try:
        stack.start()
        pages = receipts(folder / "pool", MAX_PAGES)
        account = checks.make_accounts("memory", 1)[0]
        wait_until(lambda: Worker.count(connection=redis.Redis.from_url(stack.redis_url)) == 1, "the worker")
        idle = MemorySampler([], stack.pids("worker"))
        idle.sample()
        rss, pss = idle.peaks["one worker"]
        print(f"Idle worker: RSS {rss / 1024:.0f} MiB, PSS {pss / 1024:.0f} MiB")
        print(f"{'input':<22} {'bytes':>12} {'peak RSS MiB':>13} {'peak PSS MiB':>13} {'seconds':>8}  result")
        for upload in (photo(pages[0]), scanned_pdf(pages), multi_frame_tiff(pages)):
            rss, pss, seconds, status = measure(stack, account, upload)
            print(
                f"{upload[0]:<22} {len(upload[1]):>12,} {rss / 1024:>13.0f} {pss / 1024:>13.0f} "
                f"{seconds:>8.1f}  {status}"
            )
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
