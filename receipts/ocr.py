"""File bytes -> text with Tesseract. No Django here."""

import io
import time
from dataclasses import dataclass, field

import pytesseract
from PIL import Image, ImageOps


class UnreadableFile(Exception):
    """Permanent: the file cannot be read. str(exc) is a sentence a person understands."""


class OcrTimeout(Exception):
    """Tesseract took longer than allowed."""


@dataclass
class Word:
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    page: int
    line: int


@dataclass
class OcrResult:
    text: str
    words: list = field(default_factory=list)
    pages: int = 1
    source: str = "ocr"
    seconds: float = 0.0
    steps: list = field(default_factory=list)


def read_text(data, content_type, *, max_pages=20, timeout=120):
    started = time.monotonic()
    try:
        image = Image.open(io.BytesIO(data))
        image = ImageOps.exif_transpose(image).convert("L")
    except (OSError, ValueError):
        raise UnreadableFile("This image is damaged or incomplete and cannot be read.") from None
    try:
        text = pytesseract.image_to_string(image, config="--psm 4", timeout=timeout)
    except RuntimeError as exc:
        raise OcrTimeout(str(exc)) from None
    seconds = time.monotonic() - started
    return OcrResult(text=text, seconds=seconds, steps=[("tesseract", seconds)])
