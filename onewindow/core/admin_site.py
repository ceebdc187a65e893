"""The platform's Django admin site. Django lets in staff only; the audit trail's
readers (roles at the city's root, ``audit.permissions.can_read_trail``) come in too
without being made staff, and see only what their own rules open to them: the trail
(every other model admin asks Django's model permissions, which they are not given).

Everyone signs in at the site's own login page, with its lockout and second factor,
which then brings them back: the admin's login form, which knows only staff and asks
for no second factor, is not offered. Likewise a password is changed on the site's own
page, which checks its rules, revokes the API tokens and audits the change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onewindow.audit.permissions import can_read_trail


class OneWindowAdminSite(AdminSite):
    site_header = _("OneWindow administration")
    site_title = _("OneWindow administration")
    index_title = _("Platform data")

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        if request.user.is_authenticated:
            # Signed in, but the site is not theirs: the login form would only ask
            # again. (With the right, ``admin_view`` never sends them here.)
            raise PermissionDenied
        return redirect_to_login(target, resolve_url(settings.LOGIN_URL))

    # The stubs expect the admin's own page (a TemplateResponse); this one sends people on.
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        return redirect("identity:password")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) or (
            request.user.is_active and can_read_trail(request.user)
        )
