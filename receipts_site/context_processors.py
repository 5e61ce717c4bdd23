"""Template context shared by every page."""

from django.conf import settings


def upload_limits(request):
    """The upload limits, so the browser can check files before sending them."""
    return {
        "max_file_bytes": settings.RECEIPT_MAX_FILE_BYTES,
        "max_files_per_batch": settings.RECEIPT_MAX_FILES_PER_BATCH,
    }
