"""Officers (and staff) act only after a second factor: until then every page but the
2FA ones sends them to verify (or enrol). The API checks the factor at token issue."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from onewindow.identity.permissions import awaits_second_factor
from onewindow.identity.two_factor import page_then

ALLOWED_PREFIXES = ("/account/2fa/", "/logout/", "/i18n/", "/static/", "/api/")


class OfficerTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(ALLOWED_PREFIXES) and awaits_second_factor(request.user):
            return HttpResponseRedirect(_verify_then_back(request))
        return self.get_response(request)


def _verify_then_back(request: HttpRequest) -> str:
    """The 2FA page, asked to come back to the page asked for (a GET: a form posted
    before the second factor is not replayed). The 2FA view checks ``next`` is ours."""
    return page_then(request.get_full_path() if request.method == "GET" else "")
