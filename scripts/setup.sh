#!/usr/bin/env bash
# Installs what the app needs on Debian (run as root): system packages and a Python venv.
#   scripts/setup.sh          what the app needs to run
#   scripts/setup.sh --dev    also what the tests need (pytest, Playwright, Chromium, fonts)
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

packages=()
command -v python3 >/dev/null || packages+=(python3)
python3 -c "import ensurepip, venv" 2>/dev/null || packages+=(python3-venv python3-pip)
command -v tesseract >/dev/null || packages+=(tesseract-ocr tesseract-ocr-eng)
# Malay beside English: the default OCR languages (receipts/ocr.py, DEFAULT_LANGUAGES).
grep -qx msa <<<"$(tesseract --list-langs 2>/dev/null)" || packages+=(tesseract-ocr-msa)
command -v redis-server >/dev/null || packages+=(redis-server)
if [ "$dev" = 1 ]; then
  command -v chromium >/dev/null || packages+=(chromium)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || packages+=(fonts-dejavu-core)
  command -v pg_isready >/dev/null || packages+=(postgresql-client)
fi
if [ "${#packages[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# PP-OCRv6, the second OCR engine, comes from requirements.txt (rapidocr with its models
# inside the wheel, on ONNX Runtime): no Debian package and no download at run time.
requirements=requirements.txt
[ "$dev" = 1 ] && requirements=requirements-dev.txt
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=".venv/.installed-$(cat requirements.txt "$requirements" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages from $requirements"
  .venv/bin/pip install -q --disable-pip-version-check -r "$requirements"
  touch "$stamp"
fi
