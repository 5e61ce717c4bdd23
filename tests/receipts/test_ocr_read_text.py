"""Reading files made here with Tesseract: rendered receipts, PDFs with and without text, bad bytes."""

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from receipts.reading import OcrTimeout, ReadOptions, UnreadableFile, open_pages, read

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
RECEIPT_LINES = [
    "CORNER BAKERY SDN BHD",
    "12 JALAN MAWAR, 50450 KUALA LUMPUR",
    "DATE: 14/11/2021  10:15",
    "ROTI CANAI          2.50",
    "TEH TARIK           3.00",
    "SUBTOTAL            5.50",
    "TOTAL RM           12.50",
]


def read_text(data: bytes, content_type: str, **options):
    """The file read by Tesseract alone, as the tesseract engine setting does."""
    return read(data, content_type, ReadOptions(engines=("tesseract",), **options))


def font(size: int = 26) -> ImageFont.ImageFont:
    if FONT_PATH.exists():
        return ImageFont.truetype(str(FONT_PATH), size)
    return ImageFont.load_default(size=size)


def render_receipt(lines: list[str] = RECEIPT_LINES) -> Image.Image:
    """A clean white receipt with one line of black text per entry."""
    image = Image.new("L", (720, 60 + 44 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((30, 30 + 44 * index), line, font=font(), fill=0)
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text is real text (a text layer), written by hand."""
    stream = "BT /F1 12 Tf 14 TL 40 800 Td " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_clear_receipt_image_gives_its_merchant_date_and_total():
    ocr = read_text(encode(render_receipt(), "PNG"), "image/png")
    fields = ocr.fields
    assert ocr.source == "tesseract"
    assert ocr.pages == 1
    assert fields.merchant == "CORNER BAKERY SDN BHD"
    assert str(fields.date) == "2021-11-14"
    assert str(fields.total) == "12.50"
    assert [name for name, _ in ocr.steps][:3] == ["open", "preprocess", "tesseract"]


def test_lines_keep_a_label_with_its_amount_and_carry_boxes():
    ocr = read_text(encode(render_receipt(), "PNG"), "image/png")
    lines = ocr.readings[0].lines
    total = next(line for line in lines if line.text.startswith("TOTAL"))
    assert total.text.endswith("12.50")
    left, top, right, bottom = total.box
    assert 0 <= left < right and 0 <= top < bottom
    assert 0.5 <= total.weakest <= total.conf <= 1
    assert [line.box[1] for line in lines] == sorted(line.box[1] for line in lines)


def test_sideways_photo_is_turned_upright_before_reading():
    rotated = render_receipt().rotate(90, expand=True)
    ocr = read_text(encode(rotated, "JPEG", quality=95), "image/jpeg")
    fields = ocr.fields
    assert str(fields.total) == "12.50"
    assert "osd" in [name for name, _ in ocr.steps]


def test_upside_down_scan_is_turned_upright():
    flipped = render_receipt().rotate(180)
    ocr = read_text(encode(flipped, "PNG"), "image/png")
    assert ocr.fields.merchant == "CORNER BAKERY SDN BHD"


def test_upright_receipt_skips_orientation_detection():
    ocr = read_text(encode(render_receipt(), "PNG"), "image/png")
    assert "osd" not in [name for name, _ in ocr.steps]


def test_exif_orientation_is_applied():
    image = render_receipt().rotate(-90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 8  # stored turned; viewers rotate it back
    ocr = read_text(encode(image, "JPEG", quality=95, exif=exif), "image/jpeg")
    assert str(ocr.fields.total) == "12.50"


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("WEBP", "image/webp"), ("HEIF", "image/heic"), ("TIFF", "image/tiff")],
)
def test_other_image_formats_are_read(fmt, content_type):
    data = encode(render_receipt().convert("RGB"), fmt, quality=95)
    assert str(read_text(data, content_type).fields.total) == "12.50"


def test_pdf_with_a_text_layer_is_read_without_ocr():
    ocr = read_text(text_pdf(RECEIPT_LINES), "application/pdf")
    assert ocr.source == "pdf-text"
    assert "CORNER BAKERY SDN BHD" in ocr.text
    assert str(ocr.fields.total) == "12.50"
    assert "tesseract" not in [name for name, _ in ocr.steps]


def test_scanned_pdf_is_rendered_and_read_by_ocr():
    data = encode(render_receipt().convert("RGB"), "PDF", resolution=150)
    ocr = read_text(data, "application/pdf")
    assert ocr.source == "tesseract"
    assert str(ocr.fields.total) == "12.50"


def test_pdf_over_the_page_limit_is_refused_with_its_page_count():
    page = render_receipt().convert("RGB")
    data = encode(page, "PDF", save_all=True, append_images=[page, page])
    with pytest.raises(UnreadableFile, match="This PDF has 3 pages; the limit is 2."):
        read_text(data, "application/pdf", max_pages=2)


def test_pdf_mixing_a_text_page_and_a_scanned_page_reads_both():
    combined = pdfium.PdfDocument(text_pdf(["PAGE ONE HEADER SDN BHD", "ITEM 1.00"]))
    scanned = pdfium.PdfDocument(encode(render_receipt().convert("RGB"), "PDF", resolution=150))
    combined.import_pages(scanned)
    buffer = io.BytesIO()
    combined.save(buffer)
    ocr = read_text(buffer.getvalue(), "application/pdf")
    assert (ocr.pages, ocr.source) == (2, "tesseract")
    assert "PAGE ONE HEADER" in ocr.text
    assert str(ocr.fields.total) == "12.50"


def test_tiff_over_the_page_limit_is_refused():
    page = render_receipt()
    data = encode(page, "TIFF", save_all=True, append_images=[page, page])
    with pytest.raises(UnreadableFile, match="This image has 3 pages; the limit is 2."):
        read_text(data, "image/tiff", max_pages=2)


def test_every_page_of_a_multipage_tiff_is_read():
    first = render_receipt(["PAGE ONE HEADER", "TOTAL 1.00"])
    second = render_receipt(["PAGE TWO FOOTER", "TOTAL 2.00"])
    data = encode(first, "TIFF", save_all=True, append_images=[second])
    ocr = read_text(data, "image/tiff")
    assert ocr.pages == 2
    assert {line.page for line in ocr.readings[0].lines} == {0, 1}
    assert "PAGE TWO" in ocr.text


def test_pages_of_multipage_files_are_decoded_when_read_not_all_at_once():
    """A 20-frame TIFF of large frames must not hold twenty decoded frames at a time."""
    first = render_receipt(["PAGE ONE HEADER", "TOTAL 1.00"])
    second = render_receipt(["PAGE TWO FOOTER", "TOTAL 2.00"])
    tiff = open_pages(encode(first, "TIFF", save_all=True, append_images=[second]), "image/tiff", 20, [])
    steps = []
    pdf = open_pages(encode(first.convert("RGB"), "PDF", resolution=150), "application/pdf", 20, steps)
    opened = [name for name, _ in steps]

    assert opened == ["open"]
    assert [page.image for page in tiff + pdf] == [None, None, None]
    assert tiff[1].picture().size == second.size
    assert tiff[1].picture() is not tiff[1].picture()  # decoded anew each time, kept by no one
    assert pdf[0].picture().mode == "L"
    assert [name for name, _ in steps] == ["open", "render"]  # rendered when read, not when opened


def test_a_damaged_later_page_of_a_tiff_fails_the_receipt_naming_that_page():
    first = render_receipt(["PAGE ONE HEADER", "TOTAL 1.00"])
    second = Image.new("L", first.size, 0)
    data = encode(first, "TIFF", save_all=True, append_images=[second])
    cut = data[: -first.size[0] * first.size[1] // 2]  # half of the second frame's pixels lost

    with pytest.raises(UnreadableFile, match="^Page 2 of this image is damaged and could not be read.$"):
        read_text(cut, "image/tiff")


def test_transparent_png_is_read_on_white():
    text_only = render_receipt().convert("LA")
    alpha = text_only.getchannel("L").point(lambda v: 255 - v)
    transparent = Image.merge("LA", (Image.new("L", text_only.size, 0), alpha))
    ocr = read_text(encode(transparent, "PNG"), "image/png")
    assert str(ocr.fields.total) == "12.50"


def test_blank_image_gives_no_text():
    ocr = read_text(encode(Image.new("L", (400, 600), 255), "PNG"), "image/png")
    assert ocr.text == ""
    assert ocr.readings[0].lines == []


def test_random_bytes_are_unreadable():
    with pytest.raises(UnreadableFile, match="could not be opened as an image"):
        read_text(b"\x00\x13definitely not an image" * 10, "image/png")


def test_truncated_jpeg_is_unreadable():
    data = encode(render_receipt(), "JPEG")
    with pytest.raises(UnreadableFile, match="damaged or incomplete"):
        read_text(data[: len(data) // 2], "image/jpeg")


def test_broken_pdf_is_unreadable():
    with pytest.raises(UnreadableFile, match="This PDF is damaged"):
        read_text(b"%PDF-1.4\nthis is not really a pdf", "application/pdf")


def test_reading_past_the_time_limit_raises_a_timeout():
    with pytest.raises(OcrTimeout):
        read_text(encode(render_receipt(), "PNG"), "image/png", timeout=0)


def test_receipt_is_read_with_malay_and_english_by_default():
    from receipts.reading.engines import DEFAULT_LANGUAGES, installed_languages

    assert DEFAULT_LANGUAGES == "msa+eng"
    assert installed_languages(DEFAULT_LANGUAGES) == "msa+eng"
    ocr = read_text(encode(render_receipt(), "PNG"), "image/png")
    assert "JALAN MAWAR" in ocr.text
    assert str(ocr.fields.total) == "12.50"


def test_english_alone_reads_the_receipt_too():
    ocr = read_text(encode(render_receipt(), "PNG"), "image/png", languages="eng")
    assert "CORNER BAKERY" in ocr.text
    assert str(ocr.fields.total) == "12.50"


def test_a_language_tesseract_lacks_is_left_out_with_a_warning(caplog):
    from receipts.reading.engines import installed_languages

    with caplog.at_level("WARNING", logger="receipts.reading.engines"):
        assert installed_languages("xyz+eng") == "eng"
        assert installed_languages("xyz") == "eng"
    assert "Tesseract has no model for xyz; reading with eng" in caplog.text
    ocr = read_text(encode(render_receipt(), "PNG"), "image/png", languages="xyz+eng")
    assert str(ocr.fields.total) == "12.50"
