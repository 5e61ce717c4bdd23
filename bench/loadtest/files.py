"""Synthetic receipts for the load: a pool of rendered files, each upload made unique.

Every upload has its own bytes (a comment or text chunk added), so the duplicate check never
skips a read, while its pixels stay those of a pool file: the OCR engines' own speed is
measured on exactly what the workers read.
"""

import os
import struct
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
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


@dataclass
class EngineSpeed:
    files_per_second: float
    cpu_per_file: float  # CPU seconds inside the engines' calls per file, Tesseract's included


def engine_speed(paths: list[Path], processes: int, niceness: int) -> EngineSpeed:
    """Files per second the OCR engines alone read on `paths`, `processes` at once, and the CPU
    seconds their calls took per file.

    Each process reads every file it is given the way a worker does (receipts.reading.read with
    the settings' engines loaded beforehand, one thread each, at the workers' CPU priority),
    and counts only the seconds spent inside the engines' calls: PP-OCRv6 on every page, and
    Tesseract where the cascade asks for it. Those seconds, spread over the processes, are what
    the workers cannot do without; everything else a worker spends (opening the file,
    extraction, the database, the queue, waiting for work) is what the load test's throughput
    is compared against.
    """
    with ProcessPoolExecutor(processes, initializer=_engine_process, initargs=(niceness,)) as pool:
        runs = list(pool.map(_engine_seconds, paths))
    seconds = sum(wall for wall, _ in runs)
    return EngineSpeed(len(paths) / (seconds / processes), sum(cpu for _, cpu in runs) / len(paths))


def _engine_process(niceness: int) -> None:
    from receipts.worker import lower_cpu_priority, prepare_to_read

    os.environ["OMP_THREAD_LIMIT"] = "1"
    lower_cpu_priority(niceness)  # the workers' own rules: to that niceness, never further,
    prepare_to_read()  # then their allocator settings and their engines, loaded before the first file


def _engine_seconds(path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds inside the engines' calls on one file."""
    from receipts.pipeline import read_options
    from receipts.reading import read

    reading = read(path.read_bytes(), CONTENT_TYPES[path.suffix], read_options())
    runs = [engine_reading.run for engine_reading in reading.readings]
    return sum(run.seconds for run in runs), sum(run.cpu_seconds for run in runs)
