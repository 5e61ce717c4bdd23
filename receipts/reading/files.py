"""Turn the bytes of a receipt file into pages: pictures to read, or text a PDF carries.

Images are opened with Pillow (HEIC through pillow-heif), one page per frame; PDFs use their
text layer when they have one and are rendered with pypdfium2 when they do not. The errors
are receipts.errors', where every reason a receipt fails is written once.

A page of a multi-page file is decoded (or rendered) when an engine reads it and let go after,
so a 20-frame TIFF of 60-megapixel frames holds one frame at a time, not twenty; the second
engine of the cascade decodes it again.
"""

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pillow_heif
import pypdfium2 as pdfium
from PIL import Image, UnidentifiedImageError

from receipts.errors import TooManyPixels, UnreadableFile
from receipts.reading.layout import Line, text_lines

pillow_heif.register_heif_opener()

# 200 dpi makes receipt text about 25-40 px tall; 300 dpi enlarged JPEG noise in scans.
PDF_RENDER_DPI = 200
# A poster-sized page at 200 dpi would need gigabytes; receipts never do.
MAX_RENDER_PIXELS = 12_000_000
# A page whose text layer has fewer letters and digits than this is treated as scanned.
MIN_TEXT_LAYER_CHARS = 20


@dataclass
class Page:
    """One page: a picture for the OCR engines, or the lines of a PDF's own text."""

    index: int
    image: Image.Image | None = None  # a single picture, decoded once
    lines: list[Line] | None = None
    load: Callable[[], Image.Image] | None = None  # decodes a page of a multi-page file anew

    def picture(self) -> Image.Image:
        return self.image if self.image is not None else self.load()


def open_pages(data: bytes, content_type: str, max_pages: int, steps: list) -> list[Page]:
    """Every page of an image or PDF file, refusing files past max_pages."""
    started = time.monotonic()
    if content_type == "application/pdf":
        pages = _pdf_pages(data, max_pages, steps)
    else:
        pages = _image_pages(data, max_pages)
    steps.append(("open", time.monotonic() - started))
    return pages


def _image_pages(data: bytes, max_pages: int) -> list[Page]:
    image = _open_image(data)
    frames = getattr(image, "n_frames", 1)
    if frames > max_pages:
        raise UnreadableFile(f"This image has {frames} pages; the limit is {max_pages}.")
    if frames == 1:
        # The decoded picture itself: a copy of a 60-megapixel photo would cost 180 MB.
        return [Page(0, image=_on_white(image))]
    return [Page(index, load=partial(_frame, image, index)) for index in range(frames)]


def _frame(image: Image.Image, page: int) -> Image.Image:
    """One page of a multi-page image file, decoded."""
    try:
        image.seek(page)
        return _on_white(image.copy())
    except (OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(
            f"Page {page + 1} of this image is damaged and could not be read."
        ) from exc


def _on_white(image: Image.Image) -> Image.Image:
    """The page on white where it was transparent."""
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


def _pdf_pages(data: bytes, max_pages: int, steps: list) -> list[Page]:
    pdf = _open_pdf(data)
    try:
        count = len(pdf)
        if count > max_pages:
            raise UnreadableFile(f"This PDF has {count} pages; the limit is {max_pages}.")
        if count == 0:
            raise UnreadableFile("This PDF has no pages.")
        pages = []
        for index in range(count):
            lines = _pdf_text_layer(pdf[index], index)
            if lines is None:
                pages.append(Page(index, load=partial(_render_pdf_page, data, index, steps)))
            else:
                pages.append(Page(index, lines=lines))
    finally:
        pdf.close()
    return pages


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableFile(
                "This PDF is protected by a password, so it cannot be read."
            ) from exc
        raise UnreadableFile("This PDF is damaged and could not be opened.") from exc


def _pdf_text_layer(page, index: int) -> list[Line] | None:
    """Lines of the page's own text, or None when the page is only a picture.

    The text layer is exact and instant, so OCR is used only for pages without one.
    """
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_bounded()
    finally:
        textpage.close()
    if sum(ch.isalnum() for ch in text) < MIN_TEXT_LAYER_CHARS:
        return None
    return text_lines(text, index)


def _render_pdf_page(data: bytes, index: int, steps: list) -> Image.Image:
    """The page as a grayscale picture, smaller than 200 dpi only if the page is huge."""
    started = time.monotonic()
    pdf = _open_pdf(data)
    try:
        page = pdf[index]
        width, height = page.get_size()
        scale = min(PDF_RENDER_DPI / 72, (MAX_RENDER_PIXELS / max(1.0, width * height)) ** 0.5)
        image = page.render(scale=scale, grayscale=True).to_pil()
    finally:
        pdf.close()
    steps.append(("render", time.monotonic() - started))
    return image
