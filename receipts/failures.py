"""What a failed receipt's stored error kind means to a script and to a person: a stable short
code, whether trying again can succeed, and if not, why. The one place that decides it.
"""

from dataclasses import dataclass

from receipts.filetypes import OverLimit
from receipts.models import Receipt


@dataclass(frozen=True)
class Failure:
    code: str
    retryable: bool
    why_not: str = ""


PERMANENT = "Retrying cannot help: the same file would fail the same way. Upload a different file."
FAILURES = {
    Receipt.ErrorKind.UNREADABLE: Failure("unreadable_file", False, PERMANENT),
    Receipt.ErrorKind.TOO_LARGE: Failure(
        "file_too_large", False, "Retrying cannot help: the file was too large to keep. Upload a smaller one."
    ),
    # Retried by hand once the limit was raised; the same check runs again first.
    Receipt.ErrorKind.OVER_LIMIT: Failure("over_limit", True),
    Receipt.ErrorKind.TIMEOUT: Failure("timed_out", True),
    Receipt.ErrorKind.TRANSIENT: Failure("gave_up_after_retries", True),
    Receipt.ErrorKind.INTERNAL: Failure("internal_error", True),
}
UNKNOWN = Failure("failed", True)


def failure_of(receipt):
    """The Failure of a failed receipt, or None when it has not failed."""
    if receipt.status != Receipt.Status.FAILED:
        return None
    return FAILURES.get(receipt.error_kind, UNKNOWN)


def is_retryable(receipt):
    failure = failure_of(receipt)
    return failure is not None and failure.retryable


def unreadable_kind(exc):
    """The error kind for an UnreadableFile: over a limit (may pass later) or unreadable for good."""
    return Receipt.ErrorKind.OVER_LIMIT if isinstance(exc, OverLimit) else Receipt.ErrorKind.UNREADABLE
