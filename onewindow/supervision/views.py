"""The supervisor's page: overdue and at-risk cases by department."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from onewindow.core.paging import Paginator
from onewindow.supervision import permissions, queries


@login_required
def time_limits(request: HttpRequest) -> HttpResponse:
    if not permissions.can_supervise(request.user):
        raise Http404
    departments = list(permissions.supervised_departments(request.user))
    code = request.GET.get("department", "").strip()
    # A code no longer (or never) in the user's scope lists everything, and the
    # filter shows "Any": as the inbox treats a service it no longer has.
    within = next((d for d in departments if d.code == code), None)
    now = timezone.now()
    found = queries.late_case_ids(request.user, now, within)
    choices = queries.filter_choices(request.user, now, departments, within, found)
    # A page of positions in the list, most urgent first; the cases are read for it.
    page = Paginator(range(len(found)), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    offset = page.start_index() - 1 if found else 0
    groups = queries.late_cases(request.user, now, found, offset, queries.PAGE_SIZE, within)
    return render(
        request,
        "supervision/time_limits.html",
        {
            "groups": groups,
            "now": now,
            "found": len(found),
            "page": page,
            "page_size": queries.PAGE_SIZE,
            "page_params": urlencode({"department": within.code}) if within else "",
            "departments": choices,
            "within": within,
            "overdue": sum(g.overdue for g in groups),
            "at_risk": sum(g.at_risk for g in groups),
        },
    )
