"""What a failed receipt's stored error kind means to a script and a person: the stable code of
its error class (receipts.errors), whether a person's retry can succeed, and if not, why."""

from dataclasses import dataclass

from receipts import errors
from receipts.models import Receipt


@dataclass(frozen=True)
class Failure:
    code: str
    retryable: bool
    why_not: str = ""


SAME_FILE_FAILS = "Retrying cannot help: the same file would fail the same way. Upload a different file."
NOT_KEPT = "Retrying cannot help: the file was too large to keep. Upload a smaller one."
# The receipt keeps the kind of its error; each kind's broadest class gives the code.
FAILURES = {
    errors.UnreadableFile.kind: Failure(errors.UnreadableFile.code, False, SAME_FILE_FAILS),
    errors.FileTooLarge.kind: Failure(errors.FileTooLarge.code, False, NOT_KEPT),
    # Checked again on retry: it passes once the limit was raised.
    errors.OverLimit.kind: Failure(errors.OverLimit.code, True),
    errors.TimedOut.kind: Failure(errors.TimedOut.code, True),
    errors.GaveUp.kind: Failure(errors.GaveUp.code, True),
    errors.ReaderCrashed.kind: Failure(errors.ReaderCrashed.code, True),
    errors.ReceiptError.kind: Failure(errors.ReceiptError.code, True),
}
UNKNOWN = Failure(errors.ReceiptError.code, True)


def failure_of(receipt):
    """The Failure of a failed receipt, or None when it has not failed."""
    if receipt.status != Receipt.Status.FAILED:
        return None
    return FAILURES.get(receipt.error_kind, UNKNOWN)


def is_retryable(receipt):
    failure = failure_of(receipt)
    return failure is not None and failure.retryable
