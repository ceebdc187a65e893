"""The applicant's cases pages: the receipt, my cases and a case's page (which officers
with a task on it see too). Applying is in ``application_views``, the officers' inbox and
task pages in ``officer_views``, supplements and extensions in ``timelimit_views``. Each
view parses, authorizes through queries and permissions, calls one service and renders."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.cases import permissions, presenters, queries, services, starting, timeliness
from onewindow.cases.case_page import case_view
from onewindow.cases.models import Case
from onewindow.cases.pages import KEEP_PREFIX, current_user
from onewindow.cases.supplement_forms import AnswerForm
from onewindow.core import paging

# Rows per page of My cases: a company agent's cases can run to thousands.
MY_CASES_PAGE_SIZE = 25


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    case = _my_case_or_404(request, number)
    context = {
        "case": case,
        "promised_days": timeliness.promised_limit(case),
        "from_submission": starting.clock_starts_when_filed(case, list(case.children.all())),
    }
    return render(request, "cases/receipt.html", context)


def _my_case_or_404(request: HttpRequest, number: str) -> Case:
    try:
        return queries.my_cases(current_user(request)).get(number=number)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


# --- following cases ----------------------------------------------------------------


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The user's cases a page at a time, and on the first page their drafts."""
    user = current_user(request)
    page, shown = paging.page_by_ids(
        queries.my_cases(user), MY_CASES_PAGE_SIZE, request.GET.get("page")
    )
    drafts = queries.my_drafts(user) if page.number == 1 else []
    # A life event's items its run has not reached read as waiting, as on the case page.
    waiting = {
        child.pk
        for case in shown
        for child in case.children.all()
        if presenters.item_waits_for_earlier_steps(child)
    }
    return render(
        request,
        "cases/my_cases.html",
        {"cases": shown, "page": page, "drafts": drafts, "waiting": waiting},
    )


def visible_case(request: HttpRequest, number: str) -> Case:
    try:
        case = queries.case_for(request.user, number)
    except Case.DoesNotExist as exc:
        raise Http404 from exc
    services.record_case_viewed(viewer=current_user(request), case=case, request=request)
    return case


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The case, its answers and materials and its timeline, for the applicant or an
    officer with a task on it (whose view of identity numbers is audited)."""
    return render_case_page(request, number)


def render_case_page(
    request: HttpRequest,
    number: str,
    *,
    answer: AnswerForm | None = None,
    kept: dict[str, Any] | None = None,
) -> HttpResponse:
    """The case page; with ``answer`` (``supplement_answer_form``), the applicant's
    refused answer to a supplement request shown again with its errors (422), the
    files it stored in ``kept`` (by slot) and the comment as posted."""
    case = visible_case(request, number)
    party = permissions.is_party(request.user, case)
    user = current_user(request)
    view = case_view(case, officer=None, reader=user) if party else case_view(case, officer=user)
    if answer is not None and view.supplement is not None:
        view.supplement_slots, view.supplement_answer = answer.slots, answer
    return render(
        request,
        "cases/case_detail.html",
        {
            "view": view,
            "is_applicant": party,
            "supplement_summary": answer.summary if answer else [],
            "supplement_kept": [(f"{KEEP_PREFIX}{slot}", a.pk) for slot, a in (kept or {}).items()],
            "supplement_comment": request.POST.get("comment", "") if answer else "",
        },
        status=422 if answer is not None and answer.summary else 200,
    )
