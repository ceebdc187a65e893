"""The API's one error shape, ``{code, message, fields}`` (ADR 0002), and the answers the
API's own exception handlers (``onewindow/api.py``) never see.

Most errors are raised inside an endpoint and shaped there. A few are answered before or
around one: ninja answers a method an address does not take (405) itself, in HTML;
Django answers an address no endpoint has (404, ``core.views.page_not_found``) and an
exception nothing caught (its 500 page). ``ApiErrorMiddleware`` gives those the same
shape under ``/api/``, so a client parses every error one way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Schema

API_PREFIX = "/api/"
# As ninja's JSON renderer answers, so every answer of the API has the same type.
CONTENT_TYPE = "application/json; charset=utf-8"


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """For an operation's ``response=``: the refusals its service may answer with (403,
    409, 429). What the framework answers (401, 404 for a path's object, 422, and the
    body's 400, 413 and 415) every operation's schema gets from ``core.openapi``."""
    return dict.fromkeys(statuses, ErrorOut)


# The code and message of an answer that no raiser named, by status.
_BY_STATUS: dict[int, tuple[str, Promise]] = {
    400: ("bad_request", _("The request could not be read.")),
    404: ("not_found", _("No such endpoint.")),
    405: (
        "method_not_allowed",
        _("This address does not take this method; the Allow header lists those it takes."),
    ),
    413: ("too_large", _("The request is too large.")),
    500: ("server_error", _("Something went wrong on our side. Try again later.")),
}


def for_status(status: int) -> tuple[str, str]:
    """The code and message for an error answer of this status that has none of its own."""
    if status in _BY_STATUS:
        code, message = _BY_STATUS[status]
        return code, str(message)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # a status of no standard
        return "error", f"Error {status}."
    # Rare statuses only (none of ours): their English phrase, as HTTP names them.
    return phrase.lower().replace(" ", "_").replace("-", "_"), phrase + "."


def error_body(
    code: str, message: str | Promise, fields: Mapping[str, list[str]] | None = None
) -> dict[str, object]:
    return {"code": code, "message": str(message), "fields": dict(fields or {})}


def error_response(
    status: int,
    code: str,
    message: str | Promise,
    *,
    fields: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """An error answer for code outside ninja's handlers (the lockout, the 404 page)."""
    body = json.dumps(error_body(code, message, fields))
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE, headers=headers)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


LENGTH_REQUIRED = _(
    "Send the request body with a Content-Length header: a body sent in chunks is not read."
)


# The methods whose body an endpoint of ours reads.
_WITH_A_BODY = frozenset({"POST", "PUT", "PATCH"})


def _chunked_without_length(request: HttpRequest) -> bool:
    # Django reads CONTENT_LENGTH bytes of a body, none without it: a chunked body (which
    # the HTTP server passes on without a length) read as empty, and was answered with
    # the fields it had sent named as missing.
    if request.method not in _WITH_A_BODY:
        return False
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in encoding and not request.META.get("CONTENT_LENGTH")


class ApiErrorMiddleware:
    """Under ``/api/``: an error answer that is not JSON gets the error shape, its
    headers (``Allow``) kept; a 204 loses the ``Content-Type`` Django gives every answer,
    as it has no body. With ``DEBUG`` a 500 keeps Django's page, which shows the trace.
    A body sent in chunks, without a length, is answered 411 before anything reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and _chunked_without_length(request):
            return error_response(411, "length_required", LENGTH_REQUIRED)
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.streaming:
            return response
        status = response.status_code
        if status == 204:
            # No body, so no type and no length (RFC 9110 forbids Content-Length here).
            del response["Content-Type"]
            del response["Content-Length"]
        elif status >= 400 and not _is_json(response) and not (settings.DEBUG and status >= 500):
            code, message = for_status(status)
            response.content = json.dumps(error_body(code, message)).encode()
            response["Content-Type"] = CONTENT_TYPE
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
