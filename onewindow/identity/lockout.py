"""Lockout (django-axes): its message, how long it lasts, and what a locked-out request
gets back (django-axes calls ``locked_out_response``)."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core.api_errors import API_PREFIX, error_response

LOCKED_MESSAGE = _(
    "Too many failed attempts: this account is locked for a while. "
    "Try again later or contact the help desk."
)


def seconds_until_unlocked(username: str | None) -> int | None:
    """At most how many seconds the account stays locked. django-axes counts the
    failures of the cool-off period before now, so once the latest failure is that old
    none counts. A failure while locked is one more (axes' default), which is why this
    is read after the attempt that was refused and why retrying early waits longer."""
    cool_off = get_cool_off()
    if cool_off is None:
        return None
    latest = AccessAttempt.objects.filter(username=username).aggregate(at=Max("attempt_time"))
    if latest["at"] is None:
        return math.ceil(cool_off.total_seconds())
    return max(1, math.ceil((latest["at"] + cool_off - timezone.now()).total_seconds()))


def locked_out_response(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        # The API has answered already: ``check_password`` raised ``Locked``, which its
        # handler turned into the API's 429 with ``Retry-After``.
        if response is not None and response.status_code == 429:
            return response
        return error_response(429, "locked", LOCKED_MESSAGE)
    from onewindow.identity.forms import LoginForm

    if request.path == reverse("identity:login"):
        # The login form again with what was typed there, and why it is refused.
        form = LoginForm(request, data=request.POST or None)
        form.add_error(None, str(LOCKED_MESSAGE))
        context: dict[str, Any] = {"form": form}
    else:
        # Locked from another form (a password change): an empty login form, whose
        # fields were neither filled in nor wrong, under the notice.
        context = {"form": LoginForm(request), "locked_message": LOCKED_MESSAGE}
    page = render(request, "identity/login.html", context, status=429)
    seconds = seconds_until_unlocked(get_client_username(request, credentials))
    if seconds is not None:
        page["Retry-After"] = str(seconds)
    return page
