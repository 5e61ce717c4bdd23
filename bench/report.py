"""The benchmark's printed report: accuracy, readable rates, cost, confidence and time."""

import statistics
from pathlib import Path

from bench.labels import FIELDS

OCR_STEPS = {"tesseract", "osd", "rapidocr"}
PREPARE_STEPS = {"open", "render", "preprocess", "denoise"}
BANDS = ((0.9, 1.01, ">= 0.9"), (0.7, 0.9, "0.7-0.9"), (0.0, 0.7, "< 0.7"))


def print_report(folder: Path, results: list[dict], cascades: tuple[str, ...], main: str) -> None:
    read = [r for r in results if not r["error"]]
    print(f"{len(results)} receipts in {folder}; {len(results) - len(read)} could not be read.")
    print_table("Accuracy (right / labelled)", results, cascades, "ok")
    print_table("Readable (the labelled value is in the text of an engine that read)", results, cascades, "in_text")
    print_cost(read, cascades)
    if main in cascades:
        print_bands(results, main)
        print_evidence(results, main)
        print_time_split(read, main)
        print_misses(results, main)


def print_table(title: str, results: list[dict], cascades: tuple[str, ...], key: str) -> None:
    print(f"\n{title}:")
    print(f"{'':9}" + "".join(f"{order:>22}" for order in cascades))
    for name in FIELDS:
        cells = []
        for order in cascades:
            values = [_check(r, order, name)[key] for r in results if r["label"].get(name)]
            if not values:
                break
            cells.append(f"{sum(values) / len(values):.2f} ({sum(values):3}/{len(values)})")
        if cells:
            print(f"{name:9}" + "".join(f"{cell:>22}" for cell in cells))


def _check(result: dict, order: str, name: str) -> dict:
    if result["error"]:
        return {"ok": False, "in_text": False, "got": result["error"], "conf": 0.0}
    return result["cascades"][order]["checks"][name]


def print_cost(read: list[dict], cascades: tuple[str, ...]) -> None:
    if not read:
        return
    print("\nCPU seconds per receipt, each engine on every page:")
    for engine in read[0]["cpu"]:
        cpu = [r["cpu"][engine] for r in read]
        print(f"  {engine:10} mean {statistics.mean(cpu):.2f}, median {statistics.median(cpu):.2f}, max {max(cpu):.2f}")
    baseline = statistics.mean(r["cpu"]["tesseract"] for r in read)
    print("Per cascade (engines that read; second engine's use rate; mean CPU s, and against Tesseract alone):")
    for order in cascades:
        used = [r["cascades"][order]["engines"] for r in read]
        cpu = [sum(r["cpu"][engine] for engine in engines) for r, engines in zip(read, used, strict=True)]
        second = sum(len(engines) > 1 for engines in used)
        print(
            f"  {order:20} second engine on {second:3}/{len(read)} ({second / len(read):.0%}), "
            f"mean CPU {statistics.mean(cpu):.2f} s = {statistics.mean(cpu) / baseline:.2f}x Tesseract alone"
        )


def print_bands(results: list[dict], order: str) -> None:
    print(f"\nAccuracy by confidence band ({order}):")
    print(f"{'':9}" + "".join(f"{label:>16}" for _, _, label in BANDS))
    for name in FIELDS:
        checks = [_check(r, order, name) for r in results if r["label"].get(name)]
        if not checks:
            continue
        cells = []
        for low, high, _ in BANDS:
            band = [c for c in checks if low <= c["conf"] < high]
            right = sum(c["ok"] for c in band)
            cells.append(f"{right / len(band):.2f} ({right}/{len(band)})" if band else "-")
        print(f"{name:9}" + "".join(f"{cell:>16}" for cell in cells))


def print_evidence(results: list[dict], order: str) -> None:
    """Accuracy per evidence class: the figures reading.confidence.ACCURACY is set from."""
    print(f"\nAccuracy by evidence class ({order}):")
    for name, field in (("total", "total"), ("date", "date"), ("company", "merchant")):
        cells = {}
        for r in results:
            if r["error"] or not r["label"].get(name):
                continue
            kind = r["cascades"][order]["evidence"].get(field) or "missing"
            cells.setdefault(kind, []).append(r["cascades"][order]["checks"][name]["ok"])
        parts = [f"{kind} {sum(v) / len(v):.2f} ({sum(v)}/{len(v)})" for kind, v in sorted(cells.items())]
        print(f"  {name:9}" + ", ".join(parts))


def print_time_split(read: list[dict], order: str) -> None:
    """Seconds per step of reading as the cascade would, and the total against OCR alone."""
    split: dict[str, list[float]] = {"read file": [], "preprocess": [], "OCR": [], "extract": []}
    ratios = []
    for r in read:
        spent = {"read file": r["read_seconds"], "preprocess": 0.0, "OCR": 0.0, "extract": 0.0}
        for _, seconds in r["open_steps"]:
            spent["preprocess"] += seconds
        for engine in r["cascades"][order]["engines"]:
            for step, seconds in r["steps"][engine]:
                kind = "OCR" if step in OCR_STEPS else "preprocess" if step in PREPARE_STEPS else step
                spent[kind] = spent.get(kind, 0.0) + seconds
        for kind, seconds in spent.items():
            split.setdefault(kind, []).append(seconds)
        if spent["OCR"] > 0:
            ratios.append(sum(spent.values()) / spent["OCR"])
    print(f"\nSeconds per receipt by step ({order}; enhance and save: python -m bench.pipeline):")
    for kind, values in split.items():
        print(f"  {kind:10} median {statistics.median(values):.3f}, mean {statistics.mean(values):.3f}")
    if ratios:
        print(
            f"Reading time / the OCR engines' own time in the same calls: median {statistics.median(ratios):.2f}, "
            f"max {max(ratios):.2f}"
        )


def print_misses(results: list[dict], order: str) -> None:
    print(f"\nMisses ({order}; * = the right value is in no text an engine read):")
    for r in results:
        for name in FIELDS:
            if not r["label"].get(name):
                continue
            check = _check(r, order, name)
            if not check["ok"]:
                mark = " " if check["in_text"] else "*"
                print(f" {mark}{r['file']:10} {name:8} expected {r['label'][name]!r:40} got {check['got']!r}")
