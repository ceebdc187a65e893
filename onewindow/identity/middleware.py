"""Officers (and staff) act only after a second factor: until then every page but the
2FA ones sends them to verify (or enrol). The API checks the factor at token issue."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from onewindow.identity.permissions import needs_second_factor

ALLOWED_PREFIXES = ("/account/2fa/", "/logout/", "/i18n/", "/static/", "/api/")


class OfficerTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and needs_second_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
        ):
            return redirect("identity:two_factor")
        return self.get_response(request)
