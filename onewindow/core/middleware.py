"""Page-wide touches to HTML answers that no single view owns."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import pgettext

from onewindow.core.api_errors import API_PREFIX

TITLE = b"<title>"
ERROR_SUMMARY = b'class="error-summary"'


class ErrorTitleMiddleware:
    """A page sent back with errors in its form (every view answers those 422; a refused
    login 401, a process naming another's department 403, each with its error summary)
    says so first in its title, which a screen reader reads out on arrival and a tab
    shows: without it the page sounds like the one just sent (WCAG 3.3.1)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            400 <= response.status_code < 500
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and TITLE in response.content
            and (response.status_code == 422 or ERROR_SUMMARY in response.content)
        ):
            prefix = escape(pgettext("a page title's start when its form has errors", "Error: "))
            response.content = response.content.replace(TITLE, TITLE + prefix.encode(), 1)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


class MethodNotAllowedPageMiddleware:
    """A page's 405 (``require_POST``: an action's address opened by a link, a bookmark
    or typed) says what happened on a page of the site: Django's is empty, which a
    browser shows as a blank page. ``Allow`` is kept; the API answers its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.streaming
            and not response.content
            and not request.path.startswith(API_PREFIX)
            and request.method != "HEAD"
        ):
            response.content = render_to_string("405.html", request=request).encode()
            response["Content-Type"] = "text/html; charset=utf-8"
            response["Content-Length"] = str(len(response.content))
        return response
