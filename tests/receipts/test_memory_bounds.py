"""Reading the largest photo the upload checks accept keeps no needless full-size copies."""

import subprocess
import sys

from bench.loadtest.memory import photo
from tests.conftest import PROJECT_DIR
from tests.receipt_images import receipt_lines, render_lines

READ_PHOTO = """
import sys
from pathlib import Path
from receipts.reading import ReadOptions, read

def kib(field):  # VmRSS: resident now; VmHWM: the most this process has had resident
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

data = Path(sys.argv[1]).read_bytes()
before = kib("VmRSS")
result = read(data, "image/jpeg", ReadOptions(engines=("tesseract",), timeout=600, languages="eng"))
print(before, kib("VmHWM"), "48.20" in result.text)
"""


def test_a_60_megapixel_photo_is_read_without_extra_full_size_copies(tmp_path):
    name, data, _ = photo(render_lines(receipt_lines(total="48.20")))
    path = tmp_path / name
    path.write_bytes(data)

    result = subprocess.run(
        [sys.executable, "-c", READ_PHOTO, str(path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=900,
        env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    before_kib, peak_kib, read_total = result.stdout.split()

    assert read_total == "True"
    # Decoded, the photo takes 3 bytes a pixel (172 MiB). Reading it may add its grayscale
    # page and Tesseract's smaller copy, not further colour copies for the page or its turn.
    full_size_copy_kib = 60_000_000 * 3 // 1024
    assert int(peak_kib) - int(before_kib) < 2.5 * full_size_copy_kib
