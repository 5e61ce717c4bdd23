"""PP-OCRv6 through rapidocr on ONNX Runtime: reads faint thermal print Tesseract misreads.

The detection and recognition models ship inside the pinned rapidocr wheel, so nothing is
downloaded. The engine holds a few hundred megabytes, so it is built on first use, once per
process: only workers that read a page with it ever pay for it, never web processes.
"""

import functools
import time

import numpy as np
from PIL import Image, ImageDraw, ImageOps

from receipts.errors import OcrTimeout
from receipts.reading.layout import Line, Segment, group_into_lines, normalise

# Pages are detected at most this many pixels on their long side; receipt text stays
# legible and detection time grows with the area.
DETECTION_SIDE = 1280
# Pages are handed over at most this long: recognition crops lines from the page it is
# given, and twice the detection size keeps small print sharp, while a 60-megapixel photo
# at full size would cost the engine over a gigabyte in copies.
MAX_PAGE_SIDE = 2 * DETECTION_SIDE
# The angle classifier turns upside-down text lines; receipts are read upright (the
# Tesseract path turns pages), and it costs a model call per line.
PARAMS = {
    "Global.use_cls": False,
    "Global.log_level": "warning",
    "Det.limit_type": "max",
    "Det.limit_side_len": DETECTION_SIDE,
    # One thread per worker process, as OMP_THREAD_LIMIT=1 gives Tesseract: N workers, N cores.
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
}


@functools.cache
def engine():
    """The loaded engine, built once per process on first use."""
    from rapidocr import RapidOCR  # imported here: loading it costs memory only where it reads

    return RapidOCR(params=PARAMS)


def warm_up() -> None:
    """Build the engine and read one printed line with it: ONNX Runtime starts its detection and
    recognition sessions on the first call, so a worker pays for that once, before its first receipt."""
    sample = Image.new("L", (320, 64), 255)
    ImageDraw.Draw(sample).text((10, 20), "TOTAL 12.50", fill=0)
    engine()(np.asarray(sample))


def read_page(image: Image.Image, page: int, deadline: float, steps: list) -> list[Line]:
    """Lines of one page image, top to bottom."""
    if time.monotonic() >= deadline:
        raise OcrTimeout("Reading the text took longer than the time allowed.")
    started = time.monotonic()
    gray = image.convert("L")  # keeps the EXIF data, and is a third the size of a colour copy
    ImageOps.exif_transpose(gray, in_place=True)
    if max(gray.size) > MAX_PAGE_SIDE:
        gray.thumbnail((MAX_PAGE_SIDE, MAX_PAGE_SIDE), Image.LANCZOS)
    pixels = np.asarray(gray)
    output = engine()(pixels)
    steps.append(("rapidocr", time.monotonic() - started))
    if output.boxes is None:
        return []
    segments = []
    for box, text, score in zip(output.boxes, output.txts, output.scores, strict=True):
        text = normalise(text)
        if not text:
            continue
        xs = [int(point[0]) for point in box]
        ys = [int(point[1]) for point in box]
        segments.append(Segment(text, float(score), (min(xs), min(ys), max(xs), max(ys))))
    if time.monotonic() >= deadline:
        raise OcrTimeout("Reading the text took longer than the time allowed.")
    return group_into_lines(segments, page)
