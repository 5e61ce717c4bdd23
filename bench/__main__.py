"""Measure reading on a folder of labelled receipts, engine by engine and as a cascade.

    python -m bench DIR                         # NAME.jpg/.png/.pdf + NAME.json labels
    python -m bench DIR --engines rapidocr,tesseract   # the cascade whose misses are listed
    python -m bench --make-synthetic DIR 250    # the multi-locale synthetic set (fixed seed)

Every engine reads every page once; each cascade order is then replayed from those
readings, so all of them are compared on the same OCR output and the same run's timings.
Prints per field the accuracy and the share of labels the engines read at all, how often
the cascade called its second engine, CPU seconds per receipt per engine, accuracy per
confidence band, the time per step, and the reading's time as a multiple of the OCR
engines' own. See docs/reading.md for the figures and how to read them.
"""

import argparse
import functools
import os
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.labels import CONTENT_TYPES, FIELDS, check_fields, read_label
from bench.report import print_report

CASCADES = ("tesseract", "rapidocr", "tesseract,rapidocr", "rapidocr,tesseract")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("folder", nargs="?", help="folder of receipts with JSON labels")
    parser.add_argument("--make-synthetic", nargs=2, metavar=("DIR", "N"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engines", default="rapidocr,tesseract", help="the cascade whose misses are listed")
    parser.add_argument("--languages", default="", help="Tesseract languages (default: the reader's)")
    parser.add_argument("--locale", default="", help="force a locale (default: detect per receipt)")
    parser.add_argument("--cache", help="keep each engine's lines here and reuse them: rules can be "
                        "compared without reading again (timings are then those of the first run)")
    args = parser.parse_args(argv)
    if args.make_synthetic:
        from bench.synthetic import make_synthetic_set

        folder, count = args.make_synthetic
        make_synthetic_set(Path(folder), int(count))
        print(f"Wrote {count} synthetic receipts to {folder}.")
        return 0
    if not args.folder:
        parser.error("give a folder of receipts, or --make-synthetic DIR N")
    folder = Path(args.folder)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in CONTENT_TYPES)
    files = [p for p in files if p.with_suffix(".json").exists()]
    if not files:
        print(f"No labelled receipts found in {folder}.")
        return 1
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    measure = functools.partial(measure_one, languages=args.languages, locale=args.locale, cache=args.cache)
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(measure, files))
    print_report(folder, results, CASCADES, args.engines.replace(" ", ""))
    return 0


def measure_one(path: Path, languages: str = "", locale: str = "", cache: str | None = None) -> dict:
    """Read one file with every engine, then replay each cascade order from those readings.

    A file that cannot be read counts as a miss on every field, with the reason, as the
    receipt would fail alone in the app.
    """
    from receipts.errors import OcrTimeout
    from receipts.reading import (
        ENGINE_NAMES,
        EngineReading,
        ReadOptions,
        UnreadableFile,
        extract,
        run_cascade,
    )
    from receipts.reading.cascade import choose_fields
    from receipts.reading.confidence import calibrate

    label = read_label(path)
    options = ReadOptions(engines=ENGINE_NAMES, languages=languages, locale=locale)
    try:
        read_seconds, open_steps, raw = engine_lines(path, options, cache)
    except (UnreadableFile, OcrTimeout) as exc:
        return {"file": path.name, "label": label, "error": f"error: {exc}"}
    each, steps = {}, {}
    for engine, (lines, run, engine_steps) in raw.items():
        extract_steps: list = []
        each[engine] = EngineReading(engine, lines, extract(lines, options, extract_steps), run)
        each[engine].fields.provenance = {name: engine for name in each[engine].fields.confidence}
        steps[engine] = [step for step in engine_steps if step[0] != "extract"] + extract_steps
    cascades = {}
    for order in CASCADES:
        used = run_cascade(tuple(order.split(",")), each.__getitem__)
        fields, _ = choose_fields(used)
        calibrate(fields)
        cascades[order] = {
            "engines": [reading.engine for reading in used],
            "checks": check_fields(label, fields, [reading.text for reading in used]),
            "evidence": dict(fields.evidence),
        }
    return {
        "file": path.name,
        "label": {name: label.get(name) for name in FIELDS},
        "error": None,
        "read_seconds": read_seconds,
        "open_steps": open_steps,
        "steps": steps,
        "cpu": {engine: reading.run.cpu_seconds for engine, reading in each.items()},
        "wall": {engine: reading.run.seconds for engine, reading in each.items()},
        "cascades": cascades,
    }


def engine_lines(path: Path, options, cache: str | None) -> tuple[float, list, dict]:
    """Seconds to read the file, the steps opening it, and per engine (lines, run, steps)."""
    from receipts.reading import ENGINE_NAMES, open_pages, read_with

    cached = Path(cache) / f"{path.name}.pickle" if cache else None
    if cached and cached.exists():
        return pickle.loads(cached.read_bytes())
    started = time.monotonic()
    data = path.read_bytes()
    read_seconds = time.monotonic() - started
    open_steps: list = []
    pages = open_pages(data, CONTENT_TYPES[path.suffix.lower()], options.max_pages, open_steps)
    raw = {}
    for engine in ENGINE_NAMES:
        steps: list = []
        reading = read_with(engine, pages, time.monotonic() + 300, steps, options)
        raw[engine] = (reading.lines, reading.run, steps)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps((read_seconds, open_steps, raw)))
    return read_seconds, open_steps, raw


if __name__ == "__main__":
    sys.exit(main())
