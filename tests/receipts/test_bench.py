"""The extraction benchmark on a set the tests make: accuracy, misses and timings."""

import json

from receipts.bench import main


def test_benchmark_reports_accuracy_misses_and_time_against_raw_tesseract(tmp_path, capsys):
    assert main(["--make-synthetic", str(tmp_path), "2"]) == 0
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (tmp_path / "broken.json").write_text(json.dumps({"total": "1.00", "company": "X"}))
    capsys.readouterr()

    assert main([str(tmp_path), "--workers", "1"]) == 0

    report = capsys.readouterr().out
    assert report.startswith("3 receipts")
    # Two synthetic receipts read right; the broken one counts against each field.
    assert "total     0.67 ( 2/3)" in report
    assert "company   0.67 ( 2/3)" in report
    # The unreadable file fails alone, as a miss on each labelled field with its reason.
    assert " *broken.png total    expected '1.00'" in report
    assert "got 'error: " in report
    assert "Seconds per receipt: median" in report
    assert "Raw Tesseract on the same files: median" in report
    assert "pipeline / raw per receipt: median" in report


def test_benchmark_without_labelled_files_says_so(tmp_path, capsys):
    assert main([str(tmp_path), "--no-raw"]) == 1
    assert "No labelled receipts found" in capsys.readouterr().out
