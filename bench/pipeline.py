"""Time the whole pipeline per step, the way a worker runs it, against the OCR engines' own time.

    python -m bench.pipeline DIR [--limit N]

Each file becomes a receipt and goes through receipts.pipeline.process in this process:
claim, read file, reading (open, preprocess, OCR engines, extract), enhance, save. The
per-step seconds come from the receipt's own history and timings; "save and history" is
what is left of the wall time (the claim, the history rows and the final update).
The database is DATABASE_URL, a throwaway SQLite file when unset; the cache is REDIS_URL's.
"""

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.labels import CONTENT_TYPES
from bench.report import OCR_STEPS, PREPARE_STEPS

STEPS = ("read file", "preprocess", "OCR", "extract", "enhance", "save and history")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline")
    parser.add_argument("folder")
    parser.add_argument("--limit", type=int, default=0, help="time only the first N files")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "receipts_site.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="pipeline-bench")
    files = sorted(p for p in Path(args.folder).iterdir() if p.suffix.lower() in CONTENT_TYPES)
    files = files[: args.limit] if args.limit else files
    print_split(measure_pipeline(files, user))
    return 0


def measure_pipeline(files: list[Path], user) -> list[dict]:
    """Seconds per step for each file read through the pipeline as user's receipt."""
    from django.core.files.base import ContentFile

    from receipts.models import Receipt
    from receipts.pipeline import process

    results = []
    for path in files:
        data = path.read_bytes()
        receipt = Receipt(user=user, original_filename=path.name, size=len(data),
                          content_type=CONTENT_TYPES[path.suffix.lower()],
                          sha256=hashlib.sha256(data + os.urandom(8)).hexdigest())  # fmt: skip
        receipt.file.save(path.name, ContentFile(data), save=True)
        started = time.monotonic()
        process(receipt.id)
        wall = time.monotonic() - started
        receipt.refresh_from_db()
        results.append(_split(receipt, wall))
    return results


def _split(receipt, wall: float) -> dict:
    spent = dict.fromkeys(STEPS, 0.0)
    spent["read file"] = receipt.logs.get(event="read_file").details["seconds"]
    for step, seconds in receipt.timings.items():
        if step in OCR_STEPS:
            spent["OCR"] += seconds
        elif step in PREPARE_STEPS:
            spent["preprocess"] += seconds
        elif step in ("extract", "enhance"):
            spent[step] += seconds
    spent["save and history"] = max(0.0, wall - sum(spent.values()))
    return {"file": receipt.original_filename, "status": receipt.status, "wall": wall, "spent": spent}


def print_split(results: list[dict]) -> None:
    done = [r for r in results if r["spent"]["OCR"] > 0]
    print(f"{len(results)} receipts through the pipeline; {len(done)} read by OCR.")
    if not done:
        return
    print("Seconds per receipt by step:")
    for step in STEPS:
        values = [r["spent"][step] for r in done]
        print(f"  {step:16} median {statistics.median(values):.3f}, mean {statistics.mean(values):.3f}")
    ratios = [r["wall"] / r["spent"]["OCR"] for r in done]
    print(
        f"Pipeline time / the OCR engines' own time in the same calls: median {statistics.median(ratios):.2f}, "
        f"max {max(ratios):.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
