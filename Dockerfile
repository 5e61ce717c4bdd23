# Production image: granian serving the app (scripts/web.sh); the same image runs workers, the webhook
# worker and the sweep (compose.yaml runs them all). Workers read with Tesseract and
# PP-OCRv6 (rapidocr on ONNX Runtime, from requirements.txt), one thread each
# (OMP_THREAD_LIMIT=1); a worker holding both peaks below 1 GiB.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 OMP_THREAD_LIMIT=1 PORT=8000
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-msa \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# PP-OCRv6's models ship inside the pinned rapidocr wheel: loading the engine here proves
# the image reads offline, as workers must (they never download a model).
RUN python -c "from receipts.reading.engines import ppocr; ppocr.engine()" \
    && DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v0 \
    && useradd --system --uid 10001 --home /app receipts \
    && mkdir -p /app/media /app/.run && chown -R receipts /app/media /app/.run

USER receipts
EXPOSE 8000
# scripts/web.sh: threaded processes and a deep backlog, so polls are not refused under load.
# Workers (python manage.py rqworker receipts --with-scheduler) lower their own CPU priority
# (RECEIPT_WORKER_NICENESS), so on a shared machine the web server is served first.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec scripts/web.sh --host 0.0.0.0 --port ${PORT} --access-log"]
