"""Template context shared by every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from batches.rollout import batch_upload_enabled


def upload_limits(request):
    """The upload limits, so the browser can check files before sending them.

    Outside the batch upload rollout a batch holds one file (the UploadZone's single-file mode).
    """
    user = getattr(request, "user", None)
    enabled = SimpleLazyObject(lambda: user is not None and batch_upload_enabled(user))
    return {
        "max_file_bytes": settings.RECEIPT_MAX_FILE_BYTES,
        "batch_upload": enabled,
        "max_files_per_batch": SimpleLazyObject(lambda: settings.RECEIPT_MAX_FILES_PER_BATCH if enabled else 1),
    }
