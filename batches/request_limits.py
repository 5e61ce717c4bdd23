"""What one upload request may carry, answered before (or while) it is read, never with an HTML 400.

- Its whole size (RECEIPT_MAX_REQUEST_BYTES) is checked from Content-Length before any file is
  read: `RequestSizeLimitMiddleware`.
- Files past the per-batch limit are counted but not received: `FileCountUploadHandler`; the
  upload then refuses the request with the number sent, in the same words as the API.
- Django's multipart parser is adjusted (`adjust_multipart_parser`): a part's headers may be
  16 KiB, not 1 KiB, so a long file name does not refuse the whole request, and a file named
  "." or ".." is kept as "unnamed" instead of vanishing. A bad name never costs the other files.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import JsonResponse, multipartparser
from django.shortcuts import render

from batches.forms import UploadForm

PART_HEADER_BYTES = 16 * 1024


def request_too_large_sentence(size):
    mb = 1024 * 1024
    return (
        f"This upload is {size / mb:.1f} MB; one request may carry at most "
        f"{settings.RECEIPT_MAX_REQUEST_BYTES / mb:g} MB. Send the files in smaller groups."
    )


class RequestSizeLimitMiddleware:
    """Refuse a body over RECEIPT_MAX_REQUEST_BYTES from its Content-Length, before reading it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size > settings.RECEIPT_MAX_REQUEST_BYTES:
            return refuse_request(request, request_too_large_sentence(size), 413, "request_too_large")
        return self.get_response(request)


def refuse_request(request, sentence, status, code):
    """The API's JSON `detail` and `code`, or the upload page with the sentence for a form."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": sentence, "code": code}, status=status)
    return upload_refused(request, sentence, status)


def upload_refused(request, sentence, status, headers=None):
    """The upload page again with why the request as a whole was refused."""
    response = render(request, "batches/upload.html", {"form": UploadForm(), "refusal": sentence}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class FileCountUploadHandler(FileUploadHandler):
    """Counts the files of a request (request.files_sent) and skips those past the per-batch limit."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.request.files_sent = files_sent(self.request) + 1
        if self.request.files_sent > settings.RECEIPT_MAX_FILES_PER_BATCH + 1:
            raise SkipFile()

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def files_sent(request):
    """How many files the request carried, received or not (0 before its body was read)."""
    return getattr(request, "files_sent", 0)


def adjust_multipart_parser():
    multipartparser.MAX_TOTAL_HEADER_SIZE = PART_HEADER_BYTES
    parser = multipartparser.MultiPartParser
    if getattr(parser.sanitize_file_name, "keeps_dot_names", False):
        return
    original = parser.sanitize_file_name

    def sanitize_file_name(self, file_name):
        cleaned = original(self, file_name)
        if cleaned is None and file_name and file_name.strip():
            return "unnamed"  # ".", "..", "dir/": a file was sent, under a name that says nothing
        return cleaned

    sanitize_file_name.keeps_dot_names = True
    parser.sanitize_file_name = parser.IE_sanitize = sanitize_file_name
