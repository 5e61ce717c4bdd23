"""Adds what every API operation shares to the OpenAPI schema: the error body, the answers any
operation can give (401, 403, 404, 429...), their headers, and Idempotency-Key on POST."""

ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, as a sentence."},
        "code": {"type": "string", "description": "A stable code to act on, such as `not_found`."},
        "errors": {"type": "object", "description": "Field errors, when `code` is `invalid`."},
    },
    "required": ["detail", "code"],
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
COMMON = {
    "401": ("No token, or a token that is not valid (`not_authenticated`, `authentication_failed`).",
            {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Token`."}}),
    "403": ("Not allowed: a session request without its CSRF token (`permission_denied`).", {}),
}
BY_METHOD = {
    "POST": {
        "400": ("The request cannot be used; `detail` says why.", {}),
        "409": ("A conflict: this Idempotency-Key was used for a different request (`idempotency_key_reused`) "
                "or its first request is still being answered (`idempotency_key_in_use`).", {}),
        "413": ("The request is larger than the server accepts (`request_too_large`).", {}),
        "415": ("Not multipart/form-data (`unsupported_media_type`).", {}),
        "429": ("Too many requests, or too many receipts waiting (`throttled`, `too_many_pending`).", RETRY_AFTER),
    },
    "GET": {"400": ("A filter or page value that is not valid (`invalid`).", {})},
}
HEADERS = {
    ("/api/batches", "post", "201"): {"Location": "The new batch's address."},
    ("/api/batches", "post", "409"): {"Location": "The batch that has this client_reference."},
    ("/api/batches/{id}", "get", "200"): {"ETag": "Send it back in If-None-Match to get 304 while nothing changed."},
    ("/api/batches/{id}/export", "get", "200"): {"Content-Disposition": "attachment; filename=\"receipts-....csv\""},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": "Any unique string: the same request sent again with it within 24 hours gets the first "
    "answer again (with `Idempotent-Replayed: true`) instead of being done twice.",
}


def document_common_answers(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            answers = {**COMMON, **BY_METHOD.get(method.upper(), {})}
            if "{id}" in path:
                answers["404"] = ("No such object of yours (`not_found`).", {})
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "page":
                    parameter["schema"]["minimum"] = 1
                    answers["404"] = ("No such page (`not_found`): past the last one.", {})
            if method.upper() == "DELETE":
                answers = {**COMMON, "404": answers["404"]}
            responses = operation.setdefault("responses", {})
            for code, (description, headers) in answers.items():
                response = responses.setdefault(code, {"description": description})
                if headers:
                    response.setdefault("headers", {}).update(headers)
            for (where, how, code), headers in HEADERS.items():
                if (where, how) == (path, method) and code in responses:
                    documented = responses[code].setdefault("headers", {})
                    for name, text in headers.items():
                        documented[name] = {"schema": {"type": "string"}, "description": text}
            for code, response in responses.items():
                if int(code) >= 400 and "content" not in response:
                    response["content"] = {"application/json": {"schema": ERROR}}
            if method.upper() == "POST":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
    return result
