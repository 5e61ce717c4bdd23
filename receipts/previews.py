"""Small JPEG pictures of a receipt's file (a PDF's first page), for the batch and receipt pages.

Rendered once per file and size with Pillow or pypdfium2, then kept in the cache (Redis), keyed
by the file's sha256, so the batch page's polling asks for them cheaply.
"""

import io
import logging

import pypdfium2
from django.core.cache import cache
from PIL import Image, ImageOps

import receipts.filetypes  # noqa: F401  (registers the HEIC/HEIF opener with Pillow)

logger = logging.getLogger(__name__)

SIZES = {"thumbnail": 240, "page": 1400}
CACHE_SECONDS = 30 * 24 * 3600
JPEG_QUALITY = 80


class NoPreview(Exception):
    """The file cannot be drawn (missing, or not an image or PDF we read)."""


def preview_jpeg(receipt, size):
    """The receipt's picture at most SIZES[size] pixels on its long side, as JPEG bytes."""
    if not receipt.file or not receipt.content_type:
        raise NoPreview("No readable file is stored for this receipt.")
    key = preview_key(receipt, size)
    jpeg = cache.get(key)
    if jpeg is None:
        try:
            with receipt.file.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise NoPreview("The file is missing from storage.") from None
        jpeg = render_jpeg(data, receipt.content_type, SIZES[size])
        cache.set(key, jpeg, CACHE_SECONDS)
    return jpeg


def preview_key(receipt, size):
    return f"preview:{receipt.pk}:{receipt.sha256}:{size}"


def forget_previews(receipt):
    cache.delete_many([preview_key(receipt, size) for size in SIZES])


def render_jpeg(data, content_type, max_side):
    try:
        image = render_pdf_page(data, max_side) if content_type == "application/pdf" else open_image(data, max_side)
    except (OSError, ValueError, pypdfium2.PdfiumError) as exc:
        logger.warning("Could not draw a preview: %s", exc)
        raise NoPreview("This file cannot be drawn.") from exc
    image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    flatten(image).save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def open_image(data, max_side):
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (max_side, max_side))  # JPEG decodes at a fraction of its size: fast
    return ImageOps.exif_transpose(image)


def render_pdf_page(data, max_side):
    pdf = pypdfium2.PdfDocument(data)
    try:
        page = pdf[0]
        width, height = page.get_size()
        scale = min(max_side / max(width, height, 1), 4)
        return page.render(scale=scale).to_pil()
    finally:
        pdf.close()


def flatten(image):
    """RGB on white: transparent PNGs would otherwise turn black in a JPEG."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")
