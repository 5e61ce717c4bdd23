"""What an uploaded file is, decided by its bytes; never by its name or the browser's word.

No Django here: the upload service (and the worker, before reading) passes the limits in and
turns an `UnreadableFile` into a failed receipt whose reason is the exception's sentence.
"""

import io
from dataclasses import dataclass

import pypdfium2
from PIL import Image, UnidentifiedImageError

from receipts.errors import (
    DamagedFile,
    EmptyFile,
    NotAnImage,
    PasswordProtected,
    TooManyPages,
    TooManyPixels,
)

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - listed in requirements; HEIC is then refused clearly
    pillow_heif = None

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"heif"}


@dataclass(frozen=True)
class FileInfo:
    content_type: str
    pages: int = 1
    width: int = 0
    height: int = 0


def sniff_content_type(head):
    """The content type the first bytes announce, or None when they announce none we read."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image/heic" if head[8:12] in {b"heic", b"heix", b"hevc", b"hevx"} else "image/heif"
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    return None


def describe_unknown(head):
    """A few words on what a file we cannot read seems to be, for the error message."""
    sample = head[:512].lstrip().lower()
    if sample.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
        return "it looks like a web page or markup"
    if sample.startswith((b"pk\x03\x04", b"\x1f\x8b", b"7z\xbc\xaf", b"rar!")):
        return "it looks like an archive"
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return "its contents are not a known format"
    if text and all(ch.isprintable() or ch.isspace() for ch in text):
        return "it looks like plain text"
    return "its contents are not a known format"


def inspect_file(data, *, max_pixels, max_pages):
    """Check the bytes are an image or PDF we can read within the limits; raise UnreadableFile."""
    if not data:
        raise EmptyFile()
    content_type = sniff_content_type(data[:2048])
    if content_type is None:
        raise NotAnImage(f"This file is not an image or a PDF ({describe_unknown(data)}).")
    if content_type == "application/pdf":
        return inspect_pdf(data, max_pages=max_pages)
    return inspect_image(data, content_type, max_pixels=max_pixels, max_pages=max_pages)


def inspect_image(data, content_type, *, max_pixels, max_pages):
    """Every frame of a multi-page image (TIFF, WebP, HEIF) is counted and measured, not the first alone."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > max_pages:
                raise TooManyPages(f"This image has {frames} pages; the limit is {max_pages}.")
            sizes = list(frame_sizes(image, frames))
    except Image.DecompressionBombError:
        raise TooManyPixels(
            f"This image claims more pixels than the limit of {max_pixels:,}; it was not opened."
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise DamagedFile() from None
    for page, (width, height) in enumerate(sizes, start=1):
        if width * height > max_pixels:
            where = f"Page {page} of this image" if frames > 1 else "This image"
            raise TooManyPixels(f"{where} is {width}×{height} pixels; the limit is {max_pixels:,} pixels.")
    width, height = sizes[0]
    return FileInfo(content_type, pages=frames, width=width, height=height)


def frame_sizes(image, frames):
    """Each frame's size, read from its header: seeking decodes no pixels."""
    for index in range(frames):
        if index:
            image.seek(index)
        yield image.size


def inspect_pdf(data, *, max_pages):
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise PasswordProtected() from None
        raise DamagedFile("This PDF is damaged and cannot be read.") from None
    try:
        pages = len(pdf)
    finally:
        pdf.close()
    if pages == 0:
        raise DamagedFile("This PDF has no pages.")
    if pages > max_pages:
        raise TooManyPages(f"This PDF has {pages} pages; the limit is {max_pages}.")
    return FileInfo("application/pdf", pages=pages)
