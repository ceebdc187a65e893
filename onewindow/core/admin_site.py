"""The platform's Django admin site. Django lets in staff only; the audit trail's
readers (roles at the city's root, ``audit.permissions.can_read_trail``) come in too
without being made staff, and see only what their own rules open to them: the trail
(every other model admin asks Django's model permissions, which they are not given)."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.audit.permissions import can_read_trail


class OneWindowAdminSite(AdminSite):
    site_header = _("OneWindow administration")
    site_title = _("OneWindow administration")
    index_title = _("Platform data")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) or (
            request.user.is_active and can_read_trail(request.user)
        )
