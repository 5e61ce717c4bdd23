"""Synthetic receipts for the load: a pool of rendered files, each upload made unique.

Every upload has its own bytes (a comment or text chunk added), so the duplicate check never
skips a read, while its pixels stay those of a pool file: the OCR engine's own speed is
measured on exactly what the workers read.
"""

import os
import struct
import subprocess
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.synthetic import make_synthetic_set

CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}


class ReceiptPool:
    def __init__(self, folder: Path, size: int):
        make_synthetic_set(folder, size)
        self.paths = sorted(path for path in folder.iterdir() if path.suffix in CONTENT_TYPES)
        self.data = [path.read_bytes() for path in self.paths]
        self.issued = 0

    def take(self, count: int) -> list[tuple[str, bytes, str]]:
        """`count` uploads as (file name, bytes, content type), each with bytes of its own."""
        files = []
        for _ in range(count):
            index = self.issued % len(self.paths)
            self.issued += 1
            path = self.paths[index]
            tag = f"load test upload {self.issued}".encode()
            files.append(
                (f"load-{self.issued:05d}{path.suffix}", tagged(self.data[index], tag), CONTENT_TYPES[path.suffix])
            )
        return files


def tagged(data: bytes, tag: bytes) -> bytes:
    """The same image with `tag` added as metadata: other bytes, the same pixels."""
    if data[:2] == b"\xff\xd8":  # JPEG: a COM segment right after the start marker
        return data[:2] + b"\xff\xfe" + struct.pack(">H", len(tag) + 2) + tag + data[2:]
    if data[:8] == b"\x89PNG\r\n\x1a\n":  # PNG: a tEXt chunk right after IHDR
        body = b"Comment\0" + tag
        chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
        return data[:33] + chunk + data[33:]
    raise ValueError("Only JPEG and PNG pool files can be tagged.")


def engine_speed(paths: list[Path], processes: int, languages: str, niceness: int) -> float:
    """Files per second plain Tesseract reads with `processes` at once, one thread each, at
    the workers' CPU priority (on a shared machine that decides how much CPU it gets)."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = ["nice", "-n", str(niceness), "tesseract"]

    def read(path):
        subprocess.run([*command, str(path), "-", "-l", languages], env=env, capture_output=True, check=True)

    started = time.monotonic()
    with ThreadPoolExecutor(processes) as pool:
        list(pool.map(read, paths))
    return len(paths) / (time.monotonic() - started)
