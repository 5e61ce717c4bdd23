"""Turn the bytes of a receipt file into text with word boxes.

Images go through Pillow and Tesseract; PDFs use their text layer when they have one and
are rendered with pypdfium2 and read by Tesseract when they do not. Nothing here knows
about Django, so the pipeline and the benchmark call exactly the same code.
"""

import functools
import io
import logging
import time
from dataclasses import dataclass, field

import pillow_heif
import pypdfium2 as pdfium
import pytesseract
from PIL import Image, ImageSequence, UnidentifiedImageError

from receipts.errors import OcrTimeout, TooManyPixels, UnreadableFile
from receipts.ocr_image import read_image_page

pillow_heif.register_heif_opener()
logger = logging.getLogger(__name__)

__all__ = ["OcrResult", "OcrTimeout", "UnreadableFile", "Word", "read_text"]

# Tesseract's language models, the first one preferred. Malay beside English reads the
# place names and words of Malaysian receipts (JALAN, TAMAN, SELANGOR) far better, and
# costs a second model. On the 50 sample receipts English alone got totals 40, dates 42,
# companies 26 and addresses 11 right at 0.97 times raw Tesseract's time; Malay and English
# 40, 45, 32 and 15 at 1.93 times, the most the time budget (twice raw Tesseract) allows.
# Tesseract's larger English models (tessdata 23 MB, Latin script) did worse on these
# scans, and re-reading only the header or only the doubtful lines with Malay lost more
# than it saved.
DEFAULT_LANGUAGES = "msa+eng"
# 200 dpi makes receipt text about 25-40 px tall; 300 dpi enlarged JPEG noise in scans.
PDF_RENDER_DPI = 200
# A poster-sized page at 200 dpi would need gigabytes; receipts never do.
MAX_RENDER_PIXELS = 12_000_000
# A page whose text layer has fewer letters and digits than this is treated as scanned.
MIN_TEXT_LAYER_CHARS = 20


@dataclass
class Word:
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    page: int
    line: int  # index of the text line on its page


@dataclass
class OcrResult:
    text: str
    words: list[Word]
    pages: int
    source: str  # "ocr" or "pdf-text"
    seconds: float
    steps: list[tuple[str, float]] = field(default_factory=list)


def read_text(
    data: bytes,
    content_type: str,
    *,
    max_pages: int = 20,
    timeout: float = 120,
    languages: str = "",
) -> OcrResult:
    """Read all the text of one receipt file (image or PDF).

    languages is Tesseract's -l value ("msa+eng"), DEFAULT_LANGUAGES when empty; those
    not installed are left out.
    """
    started = time.monotonic()
    deadline = started + timeout
    steps: list[tuple[str, float]] = []
    languages = installed_languages(languages or DEFAULT_LANGUAGES)
    if content_type == "application/pdf":
        words, pages, source = _read_pdf(data, max_pages, deadline, steps, languages)
    else:
        words, pages = _read_image_file(data, max_pages, deadline, steps, languages)
        source = "ocr"
    return OcrResult(
        text=words_to_text(words),
        words=words,
        pages=pages,
        source=source,
        seconds=time.monotonic() - started,
        steps=steps,
    )


@functools.cache
def installed_languages(wanted: str) -> str:
    """The wanted languages that Tesseract has, so a missing model degrades, not fails.

    English is the fallback when none of them is installed.
    """
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


def words_to_text(words: list[Word]) -> str:
    """Join words into lines (one per line index) and pages (separated by a blank line)."""
    pages: list[list[str]] = []
    current: tuple[int, int] | None = None
    for word in words:
        key = (word.page, word.line)
        if key != current:
            if not pages or (current is not None and word.page != current[0]):
                pages.append([])
            pages[-1].append(word.text)
            current = key
        else:
            pages[-1][-1] += " " + word.text
    return "\n\n".join("\n".join(lines) for lines in pages)


def _read_image_file(data, max_pages, deadline, steps, languages):
    image = _open_image(data)
    frames = getattr(image, "n_frames", 1)
    if frames > max_pages:
        raise UnreadableFile(f"This image has {frames} pages; the limit is {max_pages}.")
    words: list[Word] = []
    for page, frame in enumerate(ImageSequence.Iterator(image)):
        page_words = read_image_page(_frame_image(frame, page), deadline, steps, languages)
        words += _to_words(page_words, page)
    return words, frames


def _frame_image(frame: Image.Image, page: int) -> Image.Image:
    """One page of an image file, on white where it was transparent.

    A page of several is copied out of the file; the only page is used as it is, since a
    copy of a 60-megapixel photo would cost 180 MB more.
    """
    try:
        image = frame.copy() if getattr(frame, "n_frames", 1) > 1 else frame
    except (OSError, ValueError) as exc:
        raise UnreadableFile(
            f"Page {page + 1} of this image is damaged and could not be read."
        ) from exc
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent pixels are black underneath; text on them would vanish.
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image).convert("RGB")
    return image


def _open_image(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:
        raise TooManyPixels() from exc
    except UnidentifiedImageError as exc:
        raise UnreadableFile("This file could not be opened as an image.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableFile("This image is damaged or incomplete and cannot be read.") from exc
    return image


def _to_words(raw_words, page: int) -> list[Word]:
    return [Word(page=page, **raw) for raw in raw_words]


def _read_pdf(data, max_pages, deadline, steps, languages):
    pdf = _open_pdf(data)
    try:
        count = len(pdf)
        if count > max_pages:
            raise UnreadableFile(f"This PDF has {count} pages; the limit is {max_pages}.")
        if count == 0:
            raise UnreadableFile("This PDF has no pages.")
        words: list[Word] = []
        used_ocr = False
        for index in range(count):
            page_words = _pdf_text_layer_words(pdf[index], index, steps)
            if page_words is None:
                used_ocr = True
                image = _render_pdf_page(pdf[index], steps)
                page_words = _to_words(read_image_page(image, deadline, steps, languages), index)
            words += page_words
    finally:
        pdf.close()
    return words, count, "ocr" if used_ocr else "pdf-text"


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableFile(
                "This PDF is protected by a password, so it cannot be read."
            ) from exc
        raise UnreadableFile("This PDF is damaged and could not be opened.") from exc


def _pdf_text_layer_words(page, index: int, steps) -> list[Word] | None:
    """Words from the page's own text, or None when the page is only a picture.

    The text layer is exact and instant, so OCR is used only for pages without one.
    Boxes are not kept for text-layer words: their lines already come in reading order.
    """
    started = time.monotonic()
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_bounded()
    finally:
        textpage.close()
    steps.append(("pdf-text", time.monotonic() - started))
    if sum(ch.isalnum() for ch in text) < MIN_TEXT_LAYER_CHARS:
        return None
    words = []
    lines = [line for line in text.splitlines() if line.strip()]
    for line_index, line in enumerate(lines):
        for token in line.split():
            words.append(Word(token, 100.0, 0, 0, 0, 0, index, line_index))
    return words


def _render_pdf_page(page, steps) -> Image.Image:
    """The page as a grayscale picture, smaller than 200 dpi only if the page is huge."""
    started = time.monotonic()
    width, height = page.get_size()
    scale = min(PDF_RENDER_DPI / 72, (MAX_RENDER_PIXELS / max(1.0, width * height)) ** 0.5)
    image = page.render(scale=scale, grayscale=True).to_pil()
    steps.append(("render", time.monotonic() - started))
    return image
