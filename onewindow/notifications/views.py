"""Notification pages: the list, following a notification's link, and marking one or all
read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onewindow.core.errors import NotFound
from onewindow.core.numbers import whole_number
from onewindow.core.paging import Paginator
from onewindow.notifications import queries, services
from onewindow.notifications.models import is_site_path

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
    if (number := whole_number(page)) is not None:
        target = f"{target}?page={number}"
    return redirect(f"{target}#{fragment}" if fragment else target)


@login_required
@require_GET
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """The list's link to what a notification is about ("Open case"): marks it read,
    as the reader has now opened it, and goes there.

    A GET although it writes. It has to be a link, which opens in a new tab, can be
    copied and is read out as a link, where a form's button is none of these; and what
    it writes allows it: the reader's own read mark, set again harmlessly, which another
    site making a signed-in browser load this address could only set early, as the
    reader's own "Mark all as read" may. HEAD is refused, so a link checker's probe
    leaves the notice unread. Not audited, as no read mark is (``services``).

    The target is the notification's own link, never a parameter of the request, so
    this address cannot be made to send a browser elsewhere; a link that is not a path
    of this site (a row written around ``notify``'s check) is not followed: the list,
    at the notice, instead."""
    try:
        notification = services.mark_read(user=request.user, notification_id=notification_id)
    except NotFound:  # someone else's, as an absent one: nothing marked, nothing followed
        raise Http404 from None
    if is_site_path(notification.link):
        return redirect(notification.link)
    return redirect(f"{reverse('notifications:list')}#notification-{notification.pk}")


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
