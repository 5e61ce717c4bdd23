"""Measure OCR and extraction on a folder of labelled receipts.

    python -m receipts.bench DIR                  # NAME.jpg/.png/.pdf + NAME.json
    python -m receipts.bench DIR --languages eng  # compare Tesseract language sets
    python -m receipts.bench --make-synthetic DIR N

Prints per-field accuracy, every miss (file, field, expected, got) and the time per
receipt, so a change to the rules can be judged on numbers rather than on examples.
The time is set beside raw Tesseract's (plain `tesseract FILE -`, English) on the same
images, which is the yardstick for how much the pipeline may add.
"""

import argparse
import datetime
import functools
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from receipts.extract import extract_fields
from receipts.extract_dates import dates_in_line
from receipts.extract_money import find_amounts

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".heic": "image/heic",
    ".pdf": "application/pdf",
}
FIELDS = ("total", "date", "company", "address", "currency")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m receipts.bench")
    parser.add_argument("folder", nargs="?", help="folder of receipts with JSON labels")
    parser.add_argument("--make-synthetic", nargs=2, metavar=("DIR", "N"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--languages", help="Tesseract languages (default: the pipeline's)")
    parser.add_argument(
        "--no-raw", action="store_true", help="skip timing raw Tesseract for comparison"
    )
    args = parser.parse_args(argv)
    if args.make_synthetic:
        from receipts.bench_synthetic import make_synthetic_set

        folder, count = args.make_synthetic
        make_synthetic_set(Path(folder), int(count))
        print(f"Wrote {count} synthetic receipts to {folder}.")
        return 0
    if not args.folder:
        parser.error("give a folder of receipts, or --make-synthetic DIR N")
    return run_benchmark(Path(args.folder), args.workers, args.languages, not args.no_raw)


def run_benchmark(
    folder: Path, workers: int, languages: str | None = None, time_raw: bool = True
) -> int:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in CONTENT_TYPES)
    files = [p for p in files if p.with_suffix(".json").exists()]
    if not files:
        print(f"No labelled receipts found in {folder}.")
        return 1
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with ProcessPoolExecutor(max_workers=workers) as pool:
        measure = functools.partial(measure_one, languages=languages, time_raw=time_raw)
        results = list(pool.map(measure, files))
    print_report(results)
    return 0


def measure_one(path: Path, languages: str | None = None, time_raw: bool = False) -> dict:
    """Run the pipeline on one file and compare each labelled field.

    A file the pipeline cannot read counts as a miss on every field, with the reason,
    as the receipt would fail alone in the app.
    """
    from receipts.ocr import read_text

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    label = json.loads(path.with_suffix(".json").read_text())
    try:
        ocr = read_text(
            path.read_bytes(),
            CONTENT_TYPES[path.suffix.lower()],
            languages=languages or "",
        )
    except Exception as exc:  # noqa: BLE001 - reported as this file's miss
        error = f"error: {exc}"
        checks = {
            name: Check(ok=False, expected=label[name], got=error, in_text=False)
            for name in FIELDS
            if label.get(name)
        }
        return {"file": path.name, "checks": checks, "error": True}
    return {
        "file": path.name,
        "checks": compare(label, ocr),
        "error": False,
        "seconds": ocr.seconds,
        "steps": ocr.steps,
        "raw_seconds": raw_tesseract_seconds(path) if time_raw else None,
    }


def raw_tesseract_seconds(path: Path) -> float | None:
    """Time of plain Tesseract on the file as it is: the yardstick for the pipeline."""
    if CONTENT_TYPES[path.suffix.lower()] == "application/pdf":
        return None
    started = time.monotonic()
    subprocess.run(["tesseract", str(path), "-"], capture_output=True, check=False)
    return time.monotonic() - started


def compare(label: dict, ocr) -> dict[str, "Check"]:
    """Extract fields from one OCR result and check each labelled field."""
    fields = extract_fields(ocr)
    got = {
        "total": fields.total,
        "date": fields.date,
        "company": fields.merchant,
        "address": fields.address,
        "currency": fields.currency,
    }
    checks = {}
    for name in FIELDS:
        if label.get(name):
            checks[name] = Check(
                ok=same_value(name, label[name], got[name]),
                expected=label[name],
                got=got[name],
                in_text=in_ocr_text(name, label[name], ocr.text),
            )
    return checks


@dataclass
class Check:
    ok: bool
    expected: str
    got: object
    in_text: bool  # the right value appears somewhere in the OCR text


def in_ocr_text(name: str, expected: str, text: str) -> bool:
    """Whether OCR read the labelled value at all, so a miss can be blamed on OCR or rules."""
    lines = text.splitlines()
    if name == "total":
        wanted = _as_number(expected)
        return any(wanted in find_amounts(line, allow_spaced=True) for line in lines)
    if name == "date":
        wanted = _label_dates(expected)
        return any(
            value in wanted
            for line in lines
            for month_first in (False, True)
            for value, _ in dates_in_line(line, month_first=month_first)
        )
    if name == "currency":
        return True
    return fold(expected) in fold(text)


def same_value(name: str, expected: str, got) -> bool:
    """Compare as the field means: totals as numbers, dates as days, text folded."""
    if name == "total":
        return got is not None and _as_number(expected) == got
    if name == "date":
        return got is not None and got in _label_dates(expected)
    return fold(expected) == fold(str(got or ""))


def fold(text: str) -> str:
    """Case and whitespace folded: lower case, with no whitespace at all.

    Labels and print differ in spacing ("BAHRU,JOHOR" vs "BAHRU, JOHOR"), not in text.
    """
    return "".join(text.split()).casefold()


def _as_number(text: str) -> Decimal | None:
    cleaned = "".join(ch for ch in text if ch.isdigit() or ch in ".-")
    try:
        return Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _label_dates(text: str) -> set[datetime.date]:
    """The day a label means, read day first unless a part above 12 says otherwise."""
    return {value for value, _ in dates_in_line(text, month_first=False)}


def print_report(results: list[dict]) -> None:
    """Accuracy per field (and how often OCR read the value at all), misses, timings."""
    print(f"{len(results)} receipts        right       in OCR text")
    for name in FIELDS:
        checks = [r["checks"][name] for r in results if name in r["checks"]]
        if checks:
            right = sum(c.ok for c in checks)
            read = sum(c.in_text for c in checks)
            print(
                f"{name:9} {right / len(checks):.2f} ({right:2}/{len(checks)})"
                f"   {read / len(checks):.2f} ({read:2}/{len(checks)})"
            )
    print("\nMisses (* = the right value is nowhere in the OCR text):")
    for result in results:
        for name, check in result["checks"].items():
            if not check.ok:
                mark = " " if check.in_text else "*"
                print(
                    f" {mark}{result['file']:10} {name:8} expected {check.expected!r:40} "
                    f"got {check.got!r}"
                )
    print_timings(results)


def print_timings(results: list[dict]) -> None:
    """Seconds per receipt, and per step so no step can quietly grow."""
    results = [r for r in results if not r["error"]]
    if not results:
        return
    seconds = [r["seconds"] for r in results]
    print(
        f"\nSeconds per receipt: median {statistics.median(seconds):.2f}, "
        f"mean {statistics.mean(seconds):.2f}, max {max(seconds):.2f}"
    )
    timed = [r for r in results if r["raw_seconds"]]
    if timed:
        raw = [r["raw_seconds"] for r in timed]
        ratios = [r["seconds"] / r["raw_seconds"] for r in timed]
        print(
            f"Raw Tesseract on the same files: median {statistics.median(raw):.2f}, "
            f"mean {statistics.mean(raw):.2f}; pipeline / raw per receipt: "
            f"median {statistics.median(ratios):.2f}, max {max(ratios):.2f}"
        )
    per_step: dict[str, list[float]] = {}
    for result in results:
        totals: dict[str, float] = {}
        for step, spent in result["steps"]:
            totals[step] = totals.get(step, 0.0) + spent
        for step, spent in totals.items():
            per_step.setdefault(step, []).append(spent)
    for step, spent in per_step.items():
        print(
            f"  {step:10} on {len(spent):3} receipts: median {statistics.median(spent):.2f}, "
            f"mean {statistics.mean(spent):.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
