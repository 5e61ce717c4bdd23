"""The one structure every engine's output is turned into: lines with boxes and confidences.

Tesseract numbers its lines itself; PP-OCRv6 gives one box per run of text, so runs on
the same row (a label at the left, its amount at the right) are joined into a line here.
"""

import statistics
import unicodedata
from dataclasses import dataclass


@dataclass
class Segment:
    """A run of text with its box (left, top, right, bottom) and confidence in [0, 1]."""

    text: str
    conf: float
    box: tuple[int, int, int, int]


@dataclass
class Line:
    """One printed line, in reading order, as read by one engine."""

    text: str
    conf: float  # mean confidence of its real words, 0-1
    weakest: float  # confidence of its least sure real word: one misread word spoils a name
    box: tuple[int, int, int, int]
    page: int


# Confidence given to lines that come without OCR scores (PDF text layers, plain text).
TEXT_CONFIDENCE = 0.9
# Two runs share a row when their boxes overlap for at least this share of the lower one's
# height; a smaller overlap is the next line of a tilted photo.
SAME_ROW_OVERLAP = 0.5
# Runs of one printed line stand side by side. Two runs that overlap across more than this
# share of the narrower one's width are stacked lines, however much their boxes overlap in
# height (the boxes of a tilted scan's centred lines do).
STACKED_OVERLAP = 0.25


def normalise(text: str) -> str:
    """NFKC folds full-width punctuation and digits ("：", "１") into the plain ASCII ones."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def line_from_segments(segments: list[Segment], page: int) -> Line:
    """A line made of runs already in left-to-right order."""
    real = [s.conf for s in segments if sum(ch.isalnum() for ch in s.text) >= 2]
    confs = real or [s.conf for s in segments]
    return Line(
        text=" ".join(s.text for s in segments),
        conf=statistics.mean(confs),
        weakest=min(confs),
        box=(
            min(s.box[0] for s in segments),
            min(s.box[1] for s in segments),
            max(s.box[2] for s in segments),
            max(s.box[3] for s in segments),
        ),
        page=page,
    )


def group_into_lines(segments: list[Segment], page: int) -> list[Line]:
    """Join runs that share a row into lines, top to bottom, each left to right."""
    rows: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: (s.box[1] + s.box[3]) / 2):
        row = rows[-1] if rows else None
        if row is not None and _same_row(row, segment):
            row.append(segment)
        else:
            rows.append([segment])
    return [line_from_segments(sorted(row, key=lambda s: s.box[0]), page) for row in rows]


def _same_row(row: list[Segment], segment: Segment) -> bool:
    if any(_stacked(s, segment) for s in row):
        return False
    top = statistics.median(s.box[1] for s in row)
    bottom = statistics.median(s.box[3] for s in row)
    overlap = min(bottom, segment.box[3]) - max(top, segment.box[1])
    height = min(bottom - top, segment.box[3] - segment.box[1])
    return height > 0 and overlap >= SAME_ROW_OVERLAP * height


def _stacked(a: Segment, b: Segment) -> bool:
    overlap = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
    width = min(a.box[2] - a.box[0], b.box[2] - b.box[0])
    return width > 0 and overlap > STACKED_OVERLAP * width


def text_lines(text: str, page: int = 0) -> list[Line]:
    """Lines of plain text (a PDF's text layer), which come in reading order without boxes."""
    return [
        Line(normalise(line), TEXT_CONFIDENCE, TEXT_CONFIDENCE, (0, 0, 0, 0), page)
        for line in text.splitlines()
        if line.strip()
    ]


def lines_to_text(lines: list[Line]) -> str:
    """One line of text per line, pages separated by a blank line."""
    parts: list[str] = []
    for index, line in enumerate(lines):
        if index and line.page != lines[index - 1].page:
            parts.append("")
        parts.append(line.text)
    return "\n".join(parts)
