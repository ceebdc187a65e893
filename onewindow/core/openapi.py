"""The error answers in the API's OpenAPI document.

What the framework answers follows from an operation's own description, so it is added
here for every operation rather than declared by each: 401 where a token is required,
404 where the path names an object (absent or out of the caller's scope read alike),
422 where a body or a parameter can be invalid (any parameter can: free text, in the path
too, is refused with a control character in it), and for a body 400 (not readable), 411
(sent in chunks, without a length), 413 (too large) and 415 (sent as another type than
the operation reads). What a service refuses (403,
409, 429) only the endpoint knows: it declares those with ``api_errors.errors(...)``.
Each error answer gets ``ErrorOut`` and one description of its status.
"""

from __future__ import annotations

from typing import Any

from onewindow.core.api_errors import ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

DESCRIPTIONS = {
    400: "The body could not be read: not valid JSON (`invalid_json`) or a broken form",
    401: "Missing, expired or revoked token (`not_authenticated`), or for a token request "
    "a wrong user name or password (`bad_credentials`)",
    403: "The caller may not do this (`forbidden`, or a code of the refusal's own)",
    404: "No such object, or none the caller may see (`not_found`)",
    409: "Not in the state this needs, for example already claimed or closed "
    "(`conflict`, or a code of its own)",
    411: "The body was sent in chunks, without a Content-Length header (`length_required`)",
    413: "The body is larger than the server accepts (`too_large`)",
    415: "The body is not sent as the operation's media type, `application/json` or "
    "`multipart/form-data` (`unsupported_media_type`)",
    422: "Missing or invalid input: `fields` names each field at fault (`invalid`, or a "
    "code of its own); text anywhere, parameters included, may hold no control character "
    "but tab and line breaks",
    429: "Too many attempts (`locked`, `2fa_throttled`): wait as `Retry-After` says",
}

HEADERS = {
    401: {
        "WWW-Authenticate": {
            "description": '`Bearer`, with `error="invalid_token"` when a token was sent',
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer"},
        }
    },
}


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (ninja's document), each operation with its error answers."""
    schema["components"].setdefault("schemas", {}).setdefault(
        "ErrorOut", ErrorOut.model_json_schema()
    )
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            for status in sorted(_framework_errors(operation)):
                responses.setdefault(status, {})
            for status, answer in responses.items():
                if int(status) in DESCRIPTIONS:
                    answer["description"] = DESCRIPTIONS[int(status)]
                    answer["content"] = {"application/json": {"schema": ERROR_REF}}
                    if int(status) in HEADERS:
                        answer["headers"] = HEADERS[int(status)]
            operation["responses"] = dict(sorted(responses.items(), key=lambda i: int(i[0])))
    return schema


def _framework_errors(operation: dict[str, Any]) -> set[int]:
    found = set()
    if operation.get("security"):
        found.add(401)
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        found.add(404)
    body = operation.get("requestBody", {}).get("content", {})
    if body:
        found |= {400, 411, 413, 415, 422}
    if parameters:  # each is checked for control characters, if nothing else (API QA)
        found.add(422)
    return found
