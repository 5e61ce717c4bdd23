"""The reading benchmark on a set the tests make: accuracy per cascade, cost, bands, time split."""

import json

from bench.__main__ import main


def test_benchmark_reports_every_cascade_its_cost_and_the_time_split(tmp_path, capsys):
    assert main(["--make-synthetic", str(tmp_path), "2"]) == 0
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (tmp_path / "broken.json").write_text(json.dumps({"total": "1.00", "company": "X"}))
    capsys.readouterr()

    assert main([str(tmp_path), "--workers", "1"]) == 0

    report = capsys.readouterr().out
    assert report.startswith(f"3 receipts in {tmp_path}; 1 could not be read.")
    header = next(line for line in report.splitlines() if "tesseract,rapidocr" in line)
    assert header.split() == ["tesseract", "rapidocr", "tesseract,rapidocr", "rapidocr,tesseract"]
    company = next(line for line in report.splitlines() if line.startswith("company"))
    # The two synthetic receipts are read right by every cascade; the broken file is a miss.
    assert company.split()[1:4] == ["0.67", "(", "2/3)"]
    assert "  tesseract  mean " in report and "  rapidocr   mean " in report
    assert "second engine on" in report
    assert "Accuracy by confidence band (rapidocr,tesseract):" in report
    for step in ("read file", "preprocess", "OCR", "extract"):
        assert f"  {step:10} median " in report
    assert "Reading time / the OCR engines' own time in the same calls: median " in report
    # The unreadable file fails alone, as a miss on each labelled field with its reason.
    assert " *broken.png total    expected '1.00'" in report
    assert "got 'error: " in report


def test_benchmark_without_labelled_files_says_so(tmp_path, capsys):
    assert main([str(tmp_path)]) == 1
    assert "No labelled receipts found" in capsys.readouterr().out


def test_synthetic_set_is_the_same_for_the_same_seed_and_spans_the_locales(tmp_path):
    main(["--make-synthetic", str(tmp_path / "a"), "10"])
    main(["--make-synthetic", str(tmp_path / "b"), "10"])
    first = [json.loads(p.read_text()) for p in sorted((tmp_path / "a").glob("*.json"))]
    second = [json.loads(p.read_text()) for p in sorted((tmp_path / "b").glob("*.json"))]
    assert first == second
    assert {label["locale"] for label in first} == {"US", "UK", "DE", "FR", "MY"}
    assert (tmp_path / "a" / "000.jpg").read_bytes() == (tmp_path / "b" / "000.jpg").read_bytes()


def test_pipeline_benchmark_splits_a_receipts_time_by_step(tmp_path, user, db, capsys):
    from bench.pipeline import STEPS, measure_pipeline, print_split

    main(["--make-synthetic", str(tmp_path), "1"])
    (result,) = measure_pipeline(sorted(tmp_path.glob("*.jpg")), user)

    assert result["status"] == "completed"
    assert set(result["spent"]) == set(STEPS)
    assert result["spent"]["OCR"] > 0 and result["spent"]["enhance"] > 0
    assert abs(sum(result["spent"].values()) - result["wall"]) < 0.01
    print_split([result])
    report = capsys.readouterr().out
    assert "1 receipts through the pipeline; 1 read by OCR." in report
    assert "Pipeline time / the OCR engines' own time in the same calls: median " in report
