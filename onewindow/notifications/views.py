"""Notification pages: the list, and marking one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.core.errors import NotFound
from onewindow.core.paging import Paginator
from onewindow.notifications import queries, services

PER_PAGE = 20


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.notifications_of(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "notifications": queries.shown_in(page.object_list, get_language())},
    )


def _back(request: HttpRequest, fragment: str = "") -> HttpResponse:
    """The list again, on the page the form was sent from; ``fragment`` names where to
    pick up (a keyboard or screen reader user continues from there, not the top)."""
    page = request.POST.get("page", "")
    target = reverse("notifications:list")
    if page.isdigit():
        target = f"{target}?page={page}"
    return redirect(f"{target}#{fragment}" if fragment else target)


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        services.mark_read(user=request.user, notification_id=notification_id)
    except NotFound:
        raise Http404 from None
    return _back(request, f"notification-{notification_id}")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request)
