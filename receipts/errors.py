"""Why a receipt failed: the error classes, their sentences and whether trying again may help.

Upload, worker and sweep all take their reasons from here, so one fault reads the same
wherever it is found. Each class has a stable short `code` for programs and a `kind` stored
on the receipt; `transient` says whether the cause lies outside the file (storage, network,
database, queue), so that a later attempt may succeed. str(error) is the sentence a person
reads. This module needs no Django models, so the reading code can raise these too.
"""

from django.db import DatabaseError
from PIL import Image
from redis.exceptions import RedisError
from rq.timeouts import JobTimeoutException


class ReceiptError(Exception):
    """Something went wrong on our side: not the file's fault, and not known to pass by itself."""

    code = "internal_error"
    kind = "internal"
    transient = False
    sentence = "Something went wrong on our side while reading this receipt. It can be retried."

    def __init__(self, message=None):
        super().__init__(message or self.sentence)

    @property
    def message(self):
        return str(self)


class TransientError(ReceiptError):
    """Worth trying again later: the cause is outside the file (storage, network, database)."""

    code = "temporary_failure"
    kind = "transient"
    transient = True
    sentence = "A service the reader needs did not answer."


class UnreadableFile(ReceiptError):
    """Permanent: the file cannot be read."""

    code = "unreadable"
    kind = "unreadable"
    sentence = "This file cannot be read."


class EmptyFile(UnreadableFile):
    code = "empty_file"
    sentence = "This file is empty."


class NotAnImage(UnreadableFile):
    code = "not_an_image"


class DamagedFile(UnreadableFile):
    code = "damaged_file"
    sentence = "This image is damaged or incomplete and cannot be read."


class PasswordProtected(UnreadableFile):
    code = "password_protected"
    sentence = "This PDF is protected by a password and cannot be read."


class OverLimit(UnreadableFile):
    """Readable, but beyond a configured limit (pixels, pages): it may pass once the limit is raised."""

    code = "over_limit"
    kind = "over_limit"


class TooManyPixels(OverLimit):
    code = "too_many_pixels"
    sentence = "This image has too many pixels to be read safely."


class TooManyPages(OverLimit):
    code = "too_many_pages"


class FileMissing(UnreadableFile):
    code = "file_missing"
    sentence = "The uploaded file is missing from storage."


class FileTooLarge(ReceiptError):
    code = "file_too_large"
    kind = "too_large"

    def __init__(self, size, limit):
        mb = 1024 * 1024
        super().__init__(f"This file is {size / mb:.1f} MB; the limit is {limit / mb:g} MB.")


class TimedOut(ReceiptError):
    code = "timed_out"
    kind = "timeout"

    def __init__(self, seconds):
        super().__init__(
            f"Reading this file took longer than {seconds} seconds, so it was stopped. "
            "A smaller or clearer image may work."
        )


class ReaderCrashed(ReceiptError):
    """The process reading the file died (killed for memory, a crash in a native decoder)."""

    code = "reader_crashed"
    kind = "crashed"

    def __init__(self, attempts):
        super().__init__(
            f"Reading this file stopped the reader {attempts} times; it may be damaged or too large."
        )


class GaveUp(ReceiptError):
    """A transient cause lasted through every attempt the receipt was allowed."""

    code = "gave_up"
    kind = "transient"

    def __init__(self, attempts, reason):
        super().__init__(f"Gave up after {attempts} attempts: {reason}")


class OcrTimeout(Exception):
    """Tesseract took longer than the time allowed for this file (raised by the reading code)."""


# Causes outside the file, wherever they are raised: a later attempt may succeed.
TRANSIENT_EXCEPTIONS = (DatabaseError, RedisError, OSError, ConnectionError)


def classify(exc, *, timeout_seconds):
    """The ReceiptError an exception raised while reading a receipt stands for."""
    if isinstance(exc, ReceiptError):
        return exc
    if isinstance(exc, (JobTimeoutException, OcrTimeout)):
        return TimedOut(timeout_seconds)
    if isinstance(exc, Image.DecompressionBombError):
        return TooManyPixels()
    if isinstance(exc, TRANSIENT_EXCEPTIONS):
        return TransientError(str(exc) or type(exc).__name__)
    return ReceiptError()
