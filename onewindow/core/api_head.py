"""HEAD wherever GET answers, under ``/api/``.

RFC 9110 (9.3.2) has every resource that answers GET answer HEAD as well, with the same
headers and no body; ninja routes each method to an operation of its own and answered
405 to a HEAD. A HEAD is served as the GET it stands for, its body then dropped: the
headers (``Content-Length``, ``X-Total-Count``, ``Location``) are the GET's. What the GET
records, a HEAD records too: an officer's HEAD on a case is audited as reading it,
because it learns what the read would (that the case is there, and its size).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from onewindow.core.api_errors import API_PREFIX


class ApiHeadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        is_head = request.method == "HEAD"
        if is_head:
            request.method = "GET"
        response = self.get_response(request)
        if response.status_code == 405 and "GET" in _allowed(response):
            response["Allow"] = ", ".join([*_allowed(response), "HEAD"])
        if is_head:
            request.method = "HEAD"
            _drop_body(response)
        return response


def _allowed(response: HttpResponse) -> list[str]:
    return [method.strip() for method in response.get("Allow", "").split(",") if method.strip()]


def _drop_body(response: HttpResponse | StreamingHttpResponse) -> None:
    if isinstance(response, StreamingHttpResponse):
        # A stream's length is not known without reading it: the HEAD goes without.
        closing = getattr(response.streaming_content, "close", None)
        if closing is not None:
            closing()
        response.streaming_content = []
        return
    length = len(response.content)
    response.content = b""
    if response.status_code != 204:
        response["Content-Length"] = str(length)
