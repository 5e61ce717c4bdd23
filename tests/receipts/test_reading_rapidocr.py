"""PP-OCRv6 through rapidocr reads a page into the same lines as Tesseract, offline."""

import time

from PIL import Image, ImageDraw

from receipts.reading import ReadOptions, read
from receipts.reading.engines import ppocr
from tests.receipt_images import font, image_bytes, receipt_lines, render_lines


def faint_receipt() -> Image.Image:
    """Gray print on gray paper, the way thermal receipts fade."""
    lines = receipt_lines(merchant="BIRCH LANE BAKERY", date="14/05/2023", total="18.75")
    image = Image.new("L", (640, 60 + 40 * len(lines)), 200)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((30, 30 + 40 * index), line, fill=150, font=font(26))
    return image


def test_a_page_becomes_lines_in_reading_order_with_boxes():
    steps = []
    lines = ppocr.read_page(render_lines(receipt_lines(total="23.45")), 0, time.monotonic() + 120, steps)
    texts = [line.text for line in lines]
    assert texts[0] == "CORNER GROCERY"
    assert "TOTAL 23.45" in texts
    assert [line.box[1] for line in lines] == sorted(line.box[1] for line in lines)
    assert all(0 < line.conf <= 1 and line.page == 0 for line in lines)
    assert [name for name, _ in steps] == ["rapidocr"]


def test_the_engine_runs_on_one_thread_with_the_models_of_its_wheel():
    engine = ppocr.engine()
    assert ppocr.PARAMS["EngineConfig.onnxruntime.intra_op_num_threads"] == 1
    assert engine.cfg.Global.use_cls is False
    assert str(engine.cfg.Global.model_root_dir).endswith("rapidocr/models")


def test_rapidocr_alone_reads_the_fields_and_says_so():
    reading = read(image_bytes(faint_receipt(), "PNG"), "image/png", ReadOptions(engines=("rapidocr",)))
    assert reading.source == "rapidocr"
    assert (reading.fields.merchant, str(reading.fields.total)) == ("BIRCH LANE BAKERY", "18.75")
    assert set(reading.fields.provenance.values()) == {"rapidocr"}
    assert reading.readings[0].run.cpu_seconds > 0


def test_the_cascade_stops_at_tesseract_when_its_fields_pass():
    data = image_bytes(render_lines(receipt_lines(merchant="CORNER GROCERY LTD", total="23.45")), "PNG")
    reading = read(data, "image/png", ReadOptions(engines=("tesseract", "rapidocr")))
    assert reading.source == "tesseract"
    assert str(reading.fields.total) == "23.45"
