"""Receipts the tests draw themselves with Pillow, so the suite needs no outside files."""

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]


def font(size):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def receipt_lines(merchant="CORNER GROCERY", date="12/03/2024", total="23.45", items=None):
    items = items or [("BREAD", "3.20"), ("MILK 2L", "4.10")]
    lines = [merchant, "12 HIGH STREET", "", f"DATE {date}", ""]
    lines += [f"{name:<18}{amount:>8}" for name, amount in items]
    lines += ["", f"{'TOTAL':<18}{total:>8}", f"{'CASH':<18}{'50.00':>8}", "THANK YOU"]
    return lines


def render_lines(lines, size=30, rotate=0):
    face = font(size)
    width = 40 + max((int(face.getlength(line)) for line in lines), default=100)
    height = 40 + int(size * 1.5) * len(lines)
    image = Image.new("L", (max(width, 300), height), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((20, 20 + index * int(size * 1.5)), line, fill=0, font=face)
    if rotate:
        image = image.rotate(rotate, expand=True, fillcolor=255)
    return image


def receipt_png(**kwargs):
    return image_bytes(render_lines(receipt_lines(**kwargs)), "PNG")


def receipt_jpeg(**kwargs):
    return image_bytes(render_lines(receipt_lines(**kwargs)), "JPEG")


def image_bytes(image, fmt):
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def long_receipt_png(lines=70):
    """A tall, dense receipt that takes Tesseract a few seconds: for catching a job mid-OCR."""
    items = [(f"ITEM NUMBER {n:03d} FRESH", f"{n}.{n % 10}9") for n in range(lines)]
    return image_bytes(render_lines(receipt_lines(merchant="LONG STORE", items=items), size=34), "PNG")
