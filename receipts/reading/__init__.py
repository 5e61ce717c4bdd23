"""Reading a receipt file: bytes in, fields with confidence and provenance out.

Nothing here knows about Django models or queues (its errors are receipts.errors', shared
with upload and worker); the pipeline and the benchmark call read() alike. Pages go to the
first engine of the cascade (PP-OCRv6 by default, see docs/reading.md); when a field it gave
fails its check (see cascade.doubts), the pages are read again by the next engine, fields
are extracted from its lines too, and each field keeps the reading that checks out best.
"""

import time
from dataclasses import dataclass, field

from receipts.errors import OcrTimeout, UnreadableFile
from receipts.reading.cascade import choose_fields, doubts
from receipts.reading.confidence import calibrate
from receipts.reading.engines import (
    DEFAULT_LANGUAGES,
    ENGINE_NAMES,
    RAPIDOCR,
    TESSERACT,
    EngineRun,
    Meter,
    load,
    parse_engines,
    read_page,
)
from receipts.reading.fields import Fields, extract_fields
from receipts.reading.files import Page, open_pages
from receipts.reading.layout import Line, lines_to_text

__all__ = [
    "DEFAULT_LANGUAGES", "ENGINE_NAMES", "RAPIDOCR", "TESSERACT", "EngineReading", "Fields",
    "OcrTimeout", "ReadOptions", "Reading", "UnreadableFile", "extract", "load", "open_pages", "parse_engines", "read",
    "read_with", "run_cascade",
]  # fmt: skip

PDF_TEXT = "pdf-text"


@dataclass(frozen=True)
class ReadOptions:
    engines: tuple[str, ...] = (RAPIDOCR, TESSERACT)
    languages: str = ""  # Tesseract's -l value; DEFAULT_LANGUAGES when empty
    locale: str = ""  # "US", "UK", "DE", "FR", "MY"; empty detects it per receipt
    max_pages: int = 20
    timeout: float = 120


@dataclass
class EngineReading:
    """One engine's lines of the whole file, and the fields extracted from them."""

    engine: str
    lines: list[Line]
    fields: Fields
    run: EngineRun

    @property
    def text(self) -> str:
        return lines_to_text(self.lines)


@dataclass
class Reading:
    fields: Fields
    text: str
    pages: int
    source: str  # "pdf-text", or the engines that read it: "tesseract", "tesseract+rapidocr"
    readings: list[EngineReading] = field(default_factory=list)
    steps: list[tuple[str, float]] = field(default_factory=list)  # (step, seconds), in order
    seconds: float = 0.0

    @property
    def cascaded(self) -> bool:
        return len(self.readings) > 1


def read(data: bytes, content_type: str, options: ReadOptions = ReadOptions()) -> Reading:
    """Read one receipt file (image or PDF) into fields.

    Raises UnreadableFile (with a sentence for the person who sent it) or OcrTimeout.
    """
    started = time.monotonic()
    deadline = started + options.timeout
    steps: list[tuple[str, float]] = []
    pages = open_pages(data, content_type, options.max_pages, steps)
    if all(page.lines is not None for page in pages):
        lines = [line for page in pages for line in page.lines]
        fields = extract(lines, options, steps)
        fields.provenance = {name: PDF_TEXT for name in fields.confidence}
        calibrate(fields)
        return Reading(fields, lines_to_text(lines), len(pages), PDF_TEXT, [], steps,
                       time.monotonic() - started)
    readings = run_cascade(
        options.engines, lambda engine: read_with(engine, pages, deadline, steps, options)
    )
    fields, text = choose_fields(readings)
    calibrate(fields)
    source = "+".join(reading.engine for reading in readings)
    return Reading(fields, text, len(pages), source, readings, steps, time.monotonic() - started)


def run_cascade(engines: tuple[str, ...], read_one) -> list[EngineReading]:
    """Readings by each engine in turn, stopping at the first whose key fields pass."""
    readings: list[EngineReading] = []
    for engine in engines:
        readings.append(read_one(engine))
        if not doubts(readings[-1].fields):
            break
    return readings


def read_with(engine: str, pages: list[Page], deadline: float, steps: list,
              options: ReadOptions) -> EngineReading:
    """All pages read by one engine (text-layer pages as they are) and the fields found."""
    lines: list[Line] = []
    with Meter() as meter:
        for page in pages:
            if page.lines is not None:
                lines += page.lines
            else:
                lines += read_page(engine, page.picture(), page.index, deadline, steps, options.languages)
    run = EngineRun(engine, meter.seconds, meter.cpu_seconds)
    fields = extract(lines, options, steps)
    fields.provenance = {name: engine for name in fields.confidence}
    return EngineReading(engine, lines, fields, run)


def extract(lines: list[Line], options: ReadOptions, steps: list) -> Fields:
    started = time.monotonic()
    fields = extract_fields(lines, options.locale)
    steps.append(("extract", time.monotonic() - started))
    return fields
