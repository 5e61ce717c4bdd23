"""The staging check's sample batch, drawn here so a deployment needs no files to be checked.

One clean receipt in each supported format (JPEG, PNG, WebP, TIFF, HEIC, PDF), each with its
own merchant, date and total, and one file that is not a receipt at all.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import receipts.filetypes  # noqa: F401  (registers HEIC with Pillow, for saving too)

FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
BROKEN_NAME = "staging-check-not-a-receipt.jpg"
SAVE_OPTIONS = {"PDF": {"resolution": 150}, "TIFF": {"compression": "tiff_lzw"}}


@dataclass(frozen=True)
class SampleReceipt:
    name: str
    content_type: str
    image_format: str
    merchant: str
    date: str  # ISO, as the API gives it back
    total: str

    def lines(self):
        year, month, day = self.date.split("-")
        return [
            self.merchant, "1 STATION ROAD", "",
            f"DATE {day}/{month}/{year}", "",
            f"{'COFFEE':<18}{'3.50':>8}", f"{'SANDWICH':<18}{'6.25':>8}", "",
            f"{'TOTAL':<18}{self.total:>8}", f"{'CASH':<18}{'100.00':>8}", "THANK YOU",
        ]

    def data(self):
        buffer = io.BytesIO()
        image = draw(self.lines())
        image.save(buffer, self.image_format, **SAVE_OPTIONS.get(self.image_format, {}))
        return buffer.getvalue()


SAMPLES = [
    SampleReceipt("staging-check.jpg", "image/jpeg", "JPEG", "HARBOUR BAKERY", "2024-03-12", "23.45"),
    SampleReceipt("staging-check.png", "image/png", "PNG", "GREEN GROCER", "2024-04-02", "41.80"),
    SampleReceipt("staging-check.webp", "image/webp", "WEBP", "CITY CAFE", "2024-05-19", "12.60"),
    SampleReceipt("staging-check.tif", "image/tiff", "TIFF", "RIVER BOOKS", "2024-06-07", "58.15"),
    SampleReceipt("staging-check.heic", "image/heic", "HEIF", "MAPLE PHARMACY", "2024-07-23", "19.90"),
    SampleReceipt("staging-check.pdf", "application/pdf", "PDF", "NORTH HARDWARE", "2024-08-30", "76.40"),
]


def broken_file():
    """Bytes that claim to be a JPEG and are not: the check expects this one to fail with its reason."""
    return b"\xff\xd8\xff\xe0" + b"this is not a picture, only text pretending to be one\n" * 20


def font(size):
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def draw(lines, size=30):
    face = font(size)
    step = int(size * 1.5)
    width = 40 + max(int(face.getlength(line)) for line in lines)
    image = Image.new("RGB", (max(width, 320), 40 + step * len(lines)), "white")
    canvas = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        canvas.text((20, 20 + index * step), line, fill="black", font=face)
    return image
