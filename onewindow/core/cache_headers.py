"""Answers carrying personal data are not kept by the browser.

Without a ``Cache-Control`` a browser may keep a page and show it again from its
history: on a shared terminal (a service hall's, a library's), Back after logging out
would show the last user's cases, forms and account. So every answer to a signed-in
user, and every answer of the API (whose callers authenticate with a token the
session does not know of), is sent ``Cache-Control: private, no-store``: no shared cache
keeps it, and the browser does not store it.

A view that set its own ``Cache-Control`` keeps it (an attachment's download sets the
same; Django's ``never_cache`` says more). Anonymous public pages (the catalogue,
search, home) are left as they were, and static files never reach this middleware
(whitenoise answers them first).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from onewindow.core.api_errors import API_PREFIX

PRIVATE = "private, no-store"


class PrivateAnswersMiddleware:
    """After ``AuthenticationMiddleware``: the user is known when the answer goes back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and _private(request):
            response["Cache-Control"] = PRIVATE
        return response


def _private(request: HttpRequest) -> bool:
    if request.path_info.startswith(API_PREFIX):
        # Before the user: reading it would open the session, and add "Vary: Cookie" to
        # answers that do not depend on it.
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
