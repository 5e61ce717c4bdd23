"""The OCR engines, each turning one page image into lines (see layout.Line).

Tesseract is fast and reads clean print well; PP-OCRv6 (rapidocr) reads faint thermal
print and odd fonts far better at about the same cost per page, and holds a few hundred
megabytes while loaded. Which ones read, and in which order, is a setting.
"""

import functools
import logging
import resource
import time
from dataclasses import dataclass

import pytesseract
from PIL import Image

from receipts.reading.layout import Line, Segment, line_from_segments

logger = logging.getLogger(__name__)

TESSERACT = "tesseract"
RAPIDOCR = "rapidocr"
ENGINE_NAMES = (TESSERACT, RAPIDOCR)
# Tesseract's language models, the first one preferred. Malay beside English reads the
# place names of Malaysian receipts (JALAN, TAMAN, SELANGOR); see docs/reading.md.
DEFAULT_LANGUAGES = "msa+eng"


@dataclass
class EngineRun:
    """What one engine cost on one file: wall and CPU seconds (its own and its children's)."""

    engine: str
    seconds: float
    cpu_seconds: float


def parse_engines(value: str) -> tuple[str, ...]:
    """"tesseract,rapidocr" -> ("tesseract", "rapidocr"), refusing unknown names."""
    names = tuple(name.strip().lower() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in ENGINE_NAMES]
    if unknown or not names:
        raise ValueError(
            f"Unknown OCR engine {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(ENGINE_NAMES)}, separated by commas."
        )
    return names


def load(engines: tuple[str, ...], languages: str) -> None:
    """Load what the engines need before the first page: PP-OCRv6's models, Tesseract's languages.

    A worker calls this once as it starts, so no receipt waits for the models: loaded per
    receipt, importing and loading them cost over a second of CPU each time.
    """
    if RAPIDOCR in engines:
        from receipts.reading.engines import ppocr

        ppocr.warm_up()
    if TESSERACT in engines:
        installed_languages(languages)


def read_page(engine: str, image: Image.Image, page: int, deadline: float, steps: list,
              languages: str) -> list[Line]:
    """Lines of one page by one engine."""
    if engine == RAPIDOCR:
        from receipts.reading.engines import ppocr

        return ppocr.read_page(image, page, deadline, steps)
    from receipts.reading.engines import tesseract

    words = tesseract.read_image_page(image, deadline, steps, installed_languages(languages))
    return _tesseract_lines(words, page)


def _tesseract_lines(words: list[dict], page: int) -> list[Line]:
    rows: dict[int, list[Segment]] = {}
    for word in words:
        box = (word["left"], word["top"], word["left"] + word["width"], word["top"] + word["height"])
        rows.setdefault(word["line"], []).append(Segment(word["text"], word["conf"] / 100, box))
    return [line_from_segments(segments, page) for segments in rows.values()]


class Meter:
    """Wall and CPU time of a block, counting the Tesseract processes it waited for."""

    def __enter__(self):
        self._wall = time.monotonic()
        self._cpu = _cpu_now()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self._wall
        self.cpu_seconds = _cpu_now() - self._cpu
        return False


def _cpu_now() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@functools.cache
def installed_languages(wanted: str) -> str:
    """The wanted languages that Tesseract has, so a missing model degrades, not fails.

    English is the fallback when none of them is installed.
    """
    wanted = wanted or DEFAULT_LANGUAGES
    available = set(pytesseract.get_languages(config=""))
    usable, missing = [], []
    for lang in wanted.split("+"):
        (usable if lang in available else missing).append(lang)
    if missing:
        logger.warning(
            "Tesseract has no model for %s; reading with %s. Install tesseract-ocr-%s.",
            "+".join(missing),
            "+".join(usable) or "eng",
            missing[0],
        )
    return "+".join(usable) or "eng"
