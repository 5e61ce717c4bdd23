"""A shop name printed far larger than the body is read again at its own size."""

import time

from PIL import Image, ImageDraw

from receipts.reading import ReadOptions, read
from receipts.reading.engines.tesseract import read_image_page, text_bands
from tests.receipt_images import font, image_bytes

BODY = ["12 HIGH STREET 40170 TOWN", "DATE 12/03/2024", "BREAD        3.20", "TOTAL        3.20"]


def page_under(draw_top) -> Image.Image:
    """Body lines in 26-point type under whatever draw_top puts in the top 130 pixels."""
    image = Image.new("L", (900, 480), 255)
    draw = ImageDraw.Draw(image)
    draw_top(draw)
    for index, line in enumerate(BODY):
        draw.text((40, 160 + index * 40), line, fill=0, font=font(26))
    return image


def banner(draw):
    draw.text((40, 30), "FRESH MARKET", fill=0, font=font(72))


def logo(draw):
    draw.ellipse((40, 20, 140, 120), outline=0, width=6)


def read_page(image):
    steps = []
    words = read_image_page(image, time.monotonic() + 60, steps, "eng")
    lines = {}
    for word in words:
        lines.setdefault(word["line"], []).append(word["text"])
    return [" ".join(texts) for texts in lines.values()], [name for name, _ in steps]


def test_text_bands_are_the_rows_of_each_printed_line():
    bands = text_bands(page_under(banner).convert("L"))
    heights = [bottom - top for top, bottom in bands]
    assert len(bands) == 5
    assert heights[0] > 2.5 * max(heights[1:])


def test_banner_name_dropped_by_the_block_reading_is_read_again():
    lines, steps = read_page(page_under(banner))
    assert lines[0] == "FRESH MARKET"
    assert lines[1:] == ["12 HIGH STREET 40170 TOWN", "DATE 12/03/2024", "BREAD 3.20", "TOTAL 3.20"]
    assert steps.count("tesseract") == 2


def test_a_logo_above_the_body_is_not_read_again():
    lines, steps = read_page(page_under(logo))
    assert lines[0] == "12 HIGH STREET 40170 TOWN"
    assert steps.count("tesseract") == 1


def test_a_page_without_a_banner_is_read_once():
    lines, steps = read_page(page_under(lambda draw: None))
    assert len(lines) == 4
    assert steps.count("tesseract") == 1


def test_banner_name_becomes_the_merchant():
    reading = read(image_bytes(page_under(banner), "PNG"), "image/png", ReadOptions(engines=("tesseract",)))
    fields = reading.fields
    assert fields.merchant == "FRESH MARKET"
    assert fields.address == "12 HIGH STREET 40170 TOWN"
