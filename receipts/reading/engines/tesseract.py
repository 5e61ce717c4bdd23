"""OCR of one page image: clean it up for Tesseract, find sideways text, keep word boxes."""

import re
import statistics
import time

import pytesseract
from PIL import Image, ImageFilter, ImageOps

from receipts.errors import OcrTimeout

# Tesseract reads text lines of roughly 10-48 pixels well: tinier text is upscaled and
# larger text downscaled, which also keeps big photos fast. Pages are not levelled: the
# resampling blurs thin thermal print more than Tesseract minds a slight tilt. The
# measurements behind these choices are in docs/reading.md.
SMALL_LINE_HEIGHT = 10
LARGE_LINE_HEIGHT = 48
UPSCALE_TO = 16
DOWNSCALE_TO = 36
# Above this many pixels a photo is shrunk first, so the measurement itself stays cheap.
MAX_PIXELS = 12_000_000
# Page segmentation 6 ("one uniform block") keeps a label and its amount on one line.
# Receipts are dark print on light paper, so Tesseract need not also try each doubtful line
# inverted; its own Otsu thresholding is kept.
TESSERACT_CONFIG = "--psm 6 -c tessedit_do_invert=0"
# Below this mean word confidence a page whose ink runs in columns may be sideways, and
# below the second one any page may be upside down; only then is Tesseract's OSD asked,
# as it costs about as much as reading the page. Upright receipts read at 45-95, the same
# receipts upside down at about 30-35.
LOW_CONFIDENCE = 55
VERY_LOW_CONFIDENCE = 40
# How much better a flipped band must read before the page is turned upside down.
FLIP_MARGIN = 15
MIN_WORDS_TO_RETRY = 5
# A shop's name set in a banner font above the body often comes back from --psm 6 (one
# text size per block) garbled or not at all; --psm 3 finds its lines at their own size.
# The band above the first well-read line is read again when it holds a line at least
# BANNER_HEIGHT times the body's height whose ink is as dense as text (inked columns per
# pixel of height; a logo or a stamp is sparser).
WELL_READ_CONF = 75
MIN_BODY_LETTERS = 6
BANNER_HEIGHT = 1.5
BANNER_INK_DENSITY = 6
BANNER_CONFIG = "--psm 3 -c tessedit_do_invert=0"


def read_image_page(
    image: Image.Image, deadline: float, steps: list, languages: str = "eng"
) -> list[dict]:
    """Words of one page as dicts of text, conf, box and line index, in reading order.

    languages is Tesseract's -l value, such as "msa+eng".
    """
    started = time.monotonic()
    gray = prepare(image)
    steps.append(("preprocess", time.monotonic() - started))
    words = _tesseract_words(gray, deadline, steps, languages)
    retry = _second_attempt(gray, words, deadline, steps, languages)
    if retry is not None:
        retried_words = _tesseract_words(retry, deadline, steps, languages)
        if _mean_conf(retried_words) > _mean_conf(words):
            return retried_words
    return _reread_banner(gray, words, deadline, steps, languages)


def _second_attempt(gray, words, deadline, steps, languages) -> Image.Image | None:
    """A turned or cleaned copy of a poorly read page, or None when it read well.

    Sideways pages are turned by OSD's angle; very poorly read ones are tried upside
    down when a band reads better that way, and otherwise with speckle (the halftone
    of a scanner's lid) removed.
    """
    if len(words) < MIN_WORDS_TO_RETRY:
        # A blank or nearly blank page: nothing a turn or a cleanup would recover.
        return None
    conf = _mean_conf(words)
    asked_osd = conf < LOW_CONFIDENCE and looks_sideways(gray)
    if asked_osd:
        angle = _detect_rotation(gray, deadline, steps)
        if angle:
            # OSD's angle is counter-clockwise, as Pillow's rotate() expects.
            return scale_for_ocr(gray.rotate(angle, expand=True))
    if conf >= VERY_LOW_CONFIDENCE:
        return None
    if not asked_osd and _reads_better_flipped(gray, deadline, steps, languages):
        return gray.rotate(180)
    started = time.monotonic()
    cleaned = gray.filter(ImageFilter.MedianFilter(5))
    steps.append(("denoise", time.monotonic() - started))
    return cleaned


def _reads_better_flipped(gray: Image.Image, deadline: float, steps: list, languages: str) -> bool:
    """Compare a band across the middle of the page read as it is and upside down.

    OSD often misjudges short receipts that are upside down, and a band costs a fraction
    of reading the whole page twice.
    """
    band = gray.crop((0, gray.height * 2 // 5, gray.width, gray.height * 3 // 5))
    if band.height < 20:
        return False
    upright = _mean_conf(_tesseract_words(band, deadline, steps, languages))
    flipped = _mean_conf(_tesseract_words(band.rotate(180), deadline, steps, languages))
    return flipped > upright + FLIP_MARGIN


def _reread_banner(gray, words, deadline, steps, languages) -> list[dict]:
    """Words with a banner line above the body read again at its own size, if found."""
    lines: dict[int, list[dict]] = {}
    for w in words:
        lines.setdefault(w["line"], []).append(w)
    body_top = next(
        (
            min(w["top"] for w in line)
            for line in lines.values()
            if _mean_conf(line) >= WELL_READ_CONF and _letters(line) >= MIN_BODY_LETTERS
        ),
        None,
    )
    if body_top is None:
        return words
    bands = text_bands(gray)
    if len(bands) < 3:
        return words
    typical = statistics.median(bottom - top for top, bottom in bands)
    banners = [
        (top, bottom)
        for top, bottom in bands
        if bottom <= body_top + 2
        and bottom - top >= BANNER_HEIGHT * typical
        and _ink_density(gray, top, bottom) >= BANNER_INK_DENSITY
    ]
    if not banners:
        return words
    region = gray.crop((0, 0, gray.width, body_top))
    found = _tesseract_words(region, deadline, steps, languages, BANNER_CONFIG)
    old = [w for w in words if w["top"] + w["height"] / 2 < body_top]
    if not found or (old and _mean_conf(found) <= _mean_conf(old)):
        return words
    first_line = max(w["line"] for w in words) + 1
    for w in found:
        w["line"] += first_line
    kept = [w for w in words if w["top"] + w["height"] / 2 >= body_top]
    return _number_lines(found + kept)


def _letters(line: list[dict]) -> int:
    return sum(ch.isalpha() for w in line for ch in w["text"])


def _ink_density(gray: Image.Image, top: int, bottom: int) -> float:
    """Inked columns of a band per pixel of its height: text lines are dense, logos not."""
    band = _ink(gray.crop((0, top, gray.width, bottom)))
    columns = band.resize((gray.width, 1), Image.BOX).tobytes()
    return sum(value > 8 for value in columns) / (bottom - top)


def _number_lines(words: list[dict]) -> list[dict]:
    """Renumber lines 0, 1, 2 ... in the order the words come."""
    numbers: dict[int, int] = {}
    for w in words:
        w["line"] = numbers.setdefault(w["line"], len(numbers))
    return words


def prepare(image: Image.Image) -> Image.Image:
    """Upright, grayscale and scaled so text lines are a size Tesseract reads well.

    The image is turned in place: a copy of a 60-megapixel photo would cost 180 MB.
    """
    ImageOps.exif_transpose(image, in_place=True)
    gray = ImageOps.grayscale(image)
    if gray.width * gray.height > MAX_PIXELS:
        factor = (MAX_PIXELS / (gray.width * gray.height)) ** 0.5
        gray = _resize(gray, factor)
    return scale_for_ocr(gray)


def scale_for_ocr(gray: Image.Image) -> Image.Image:
    """Resize so text lines are near the height Tesseract reads best."""
    height = estimate_line_height(gray)
    if height and height < SMALL_LINE_HEIGHT:
        gray = _resize(gray, UPSCALE_TO / height)
    elif height and height > LARGE_LINE_HEIGHT:
        gray = _resize(gray, DOWNSCALE_TO / height)
    return gray


def _resize(gray: Image.Image, factor: float) -> Image.Image:
    size = (max(1, round(gray.width * factor)), max(1, round(gray.height * factor)))
    return gray.resize(size, Image.LANCZOS)


def estimate_line_height(gray: Image.Image) -> float | None:
    """Median height of the bands of dark rows, i.e. of the text lines.

    Projecting ink onto the vertical axis is far cheaper than a trial OCR pass and is
    within a pixel or two of Tesseract's own word heights on straight scans.
    """
    heights = [bottom - top for top, bottom in text_bands(gray)]
    return statistics.median(heights) if len(heights) >= 3 else None


def text_bands(gray: Image.Image) -> list[tuple[int, int]]:
    """First and past-the-last row of each band of dark rows, top to bottom."""
    profile = list(_ink(gray).resize((1, gray.height), Image.BOX).tobytes())
    cutoff = _cutoff(profile)
    bands, start = [], None
    for row, value in enumerate(profile + [0]):
        if value > cutoff:
            if start is None:
                start = row
            continue
        if start is not None and row - start >= 4:
            bands.append((start, row))
        start = None
    return bands


def _ink(gray: Image.Image) -> Image.Image:
    """White where there is ink, black where there is paper."""
    threshold = otsu_threshold(gray.histogram())
    return gray.point(lambda p: 255 if p <= threshold else 0)


def _cutoff(profile: list[int]) -> float:
    """Ink level below which a row or column counts as blank."""
    busiest = sorted(profile)[int(len(profile) * 0.9)]
    return max(1, busiest * 0.08)


def otsu_threshold(histogram: list[int]) -> int:
    """Gray level that best splits the histogram into ink and paper (Otsu's method)."""
    histogram = histogram[:256]
    total = sum(histogram)
    sum_all = sum(level * count for level, count in enumerate(histogram))
    weight_back = sum_back = 0
    best_level, best_score = 128, 0.0
    for level, count in enumerate(histogram):
        weight_back += count
        weight_fore = total - weight_back
        if weight_back == 0:
            continue
        if weight_fore == 0:
            break
        sum_back += level * count
        mean_back = sum_back / weight_back
        mean_fore = (sum_all - sum_back) / weight_fore
        score = weight_back * weight_fore * (mean_back - mean_fore) ** 2
        if score > best_score:
            best_level, best_score = level, score
    return best_level


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise OcrTimeout("Reading the text took longer than the time allowed.")
    return left


def _tesseract_words(
    gray: Image.Image, deadline: float, steps: list, languages: str, config=TESSERACT_CONFIG
) -> list[dict]:
    started = time.monotonic()
    try:
        data = pytesseract.image_to_data(
            _uncompressed(gray),
            lang=languages,
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=_remaining(deadline),
        )
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeout("Reading the text took longer than the time allowed.") from exc
        raise
    steps.append(("tesseract", time.monotonic() - started))
    return _data_to_words(data)


def _uncompressed(gray: Image.Image) -> Image.Image:
    """The page marked to reach Tesseract as a plain PGM file rather than a PNG.

    pytesseract writes the image to a file in its format, PNG when it has none, and
    compressing a scanned page took up to 0.3 s, half as long as reading it; a PGM costs
    nothing to write or to decode, and Tesseract sees the same pixels.
    """
    gray.format = "PPM"
    return gray


def _data_to_words(data: dict) -> list[dict]:
    """Flatten Tesseract's table into words, numbering lines in the order they come."""
    words, line_keys = [], {}
    for i, text in enumerate(data["text"]):
        text = text.strip()
        if not text:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        line = line_keys.setdefault(key, len(line_keys))
        words.append(
            {
                "text": text,
                "conf": float(data["conf"][i]),
                "left": int(data["left"][i]),
                "top": int(data["top"][i]),
                "width": int(data["width"][i]),
                "height": int(data["height"][i]),
                "line": line,
            }
        )
    return words


def _mean_conf(words: list[dict]) -> float:
    return statistics.mean(w["conf"] for w in words) if words else 0.0


def looks_sideways(gray: Image.Image) -> bool:
    """Text lines leave blank rows between them; sideways text leaves blank columns."""
    ink = _ink(gray)
    rows = _gap_fraction(list(ink.resize((1, gray.height), Image.BOX).tobytes()))
    columns = _gap_fraction(list(ink.resize((gray.width, 1), Image.BOX).tobytes()))
    return columns > rows


def _gap_fraction(profile: list[int]) -> float:
    """Share of blank entries between the first and last inked one."""
    cutoff = _cutoff(profile)
    inked = [i for i, value in enumerate(profile) if value > cutoff]
    if not inked:
        return 0.0
    inner = profile[inked[0] : inked[-1] + 1]
    return sum(value <= cutoff for value in inner) / len(inner)


def _detect_rotation(gray: Image.Image, deadline: float, steps: list) -> int:
    """Clockwise degrees the page is turned, from Tesseract's orientation detection."""
    started = time.monotonic()
    try:
        osd = pytesseract.image_to_osd(_uncompressed(gray), timeout=_remaining(deadline))
    except pytesseract.TesseractError:
        # Too little text for OSD to decide: keep the page as it is.
        steps.append(("osd", time.monotonic() - started))
        return 0
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeout("Reading the text took longer than the time allowed.") from exc
        raise
    steps.append(("osd", time.monotonic() - started))
    match = re.search(r"Rotate: (\d+)", osd)
    return int(match.group(1)) if match else 0
