"""The supervisor's page: overdue and at-risk cases by department."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from onewindow.supervision import permissions, queries


@login_required
def time_limits(request: HttpRequest) -> HttpResponse:
    if not permissions.can_supervise(request.user):
        raise Http404
    now = timezone.now()
    found = queries.late_case_ids(request.user, now)
    groups = queries.late_cases(request.user, now, found)
    return render(
        request,
        "supervision/time_limits.html",
        {
            "groups": groups,
            "now": now,
            "unlisted": max(0, len(found) - queries.LIMIT),
            "limit": queries.LIMIT,
            "overdue": sum(g.overdue for g in groups),
            "at_risk": sum(g.at_risk for g in groups),
        },
    )
