"""Every answer under /api/ is JSON with a sentence in `detail` and a stable `code` beside it,
including the ones Django gives before a view runs (unknown paths, too many files)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import Http404, JsonResponse
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler

API_PREFIX = "/api/"
FIELD_ERRORS = "Some fields are not valid; see `errors`."


def api_error(detail, code, status_code, headers=None):
    return Response({"detail": detail, "code": code}, status=status_code, headers=headers)


def api_exception_handler(exc, context):
    """DRF's handler, with the error's code beside its detail and field errors under `errors`."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, APIException):
        return response
    codes = exc.get_codes()
    if isinstance(response.data, dict) and isinstance(codes, str) and "detail" in response.data:
        response.data["code"] = codes
    else:
        response.data = {"detail": FIELD_ERRORS, "code": "invalid", "errors": response.data}
    return response


def is_api(request):
    return request.path.startswith(API_PREFIX)


def json_error(detail, code, status_code):
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


@csrf_exempt  # a POST to an unknown API path is a 404, not a CSRF refusal
def not_found(request, exception=None):
    """Django's 404 for paths no API view matches (a malformed id, a trailing slash)."""
    if is_api(request):
        return json_error("Nothing is here: check the address and the id.", "not_found", 404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    if is_api(request):
        if isinstance(exception, TooManyFilesSent):
            limit = settings.RECEIPT_MAX_FILES_PER_BATCH
            detail = f"Too many files in one request: a batch can hold at most {limit} files."
            return json_error(detail, "too_many_files", status.HTTP_400_BAD_REQUEST)
        if isinstance(exception, RequestDataTooBig):
            detail = "The request is larger than the server accepts; send fewer or smaller files at a time."
            return json_error(detail, "request_too_large", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        return json_error("This request could not be read.", "bad_request", status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if is_api(request):
        return json_error("You may not do this.", "permission_denied", status.HTTP_403_FORBIDDEN)
    return defaults.permission_denied(request, exception)


def csrf_failure(request, reason=""):
    """A session request without its CSRF token (a script should send a token instead)."""
    if is_api(request):
        detail = "This request came with a session but without its CSRF token; send an API token instead."
        return json_error(detail, "csrf_failed", status.HTTP_403_FORBIDDEN)
    return csrf.csrf_failure(request, reason)


def server_error(request):
    if is_api(request):
        return json_error("Something went wrong on our side; try again.", "server_error", 500)
    return defaults.server_error(request)
