"""The supervision API: overdue and at-risk cases by department."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import Router

from onewindow.core import paging
from onewindow.core.api_errors import errors
from onewindow.core.errors import Forbidden
from onewindow.core.templatetags.onewindow import localized
from onewindow.supervision import permissions, queries
from onewindow.supervision.schemas import DepartmentLateOut, LateCaseOut, StepOut
from onewindow.workflow.choices import HolderKind
from onewindow.workflow.models import WorkTask

router = Router(tags=["supervision"])


def _step(task: WorkTask, language: str) -> StepOut:
    kind = queries.holder_kind(task)
    return StepOut(
        task=localized(task),
        department=task.department.display_name(language) if task.department else "",
        holder=task.claimed_by.full_name if kind == HolderKind.OFFICER and task.claimed_by else "",
        holder_kind=kind,
    )


@router.get(
    "/time-limits",
    response={200: list[DepartmentLateOut], **errors(403)},
    summary="Overdue and at-risk cases",
    operation_id="supervision_time_limits",
    openapi_extra={
        "responses": {
            200: {
                "headers": {
                    paging.TOTAL_HEADER: {
                        "description": "How many cases were found with a late clock; at "
                        "most 500 are listed",
                        "schema": {"type": "integer"},
                    }
                }
            }
        }
    },
)
def time_limits(request: HttpRequest, response: HttpResponse) -> list[DepartmentLateOut]:
    """By department, in the caller's scope: each case's current steps and who held it
    longest. For supervisors, department leads and platform admins (403 for others).
    At most 500 cases are listed, those whose own time limit ends first; the
    ``X-Total-Count`` header gives how many cases were found with a late clock."""
    if not permissions.can_supervise(request.user):
        raise Forbidden(_("Only supervisors, department leads and platform admins see this."))
    language = get_language() or "zh-hans"
    now = timezone.now()
    found = queries.late_case_ids(request.user, now)
    response[paging.TOTAL_HEADER] = str(len(found))
    result = []
    for group in queries.late_cases(request.user, now, found):
        cases = []
        for late in group.cases:
            where = late.where
            cases.append(
                LateCaseOut(
                    number=late.case.number,
                    service=localized(late.case, "service_name"),
                    colour=late.clock.colour,
                    due_at=late.clock.due_at,
                    overdue_days=max(0, -late.clock.remaining_days),
                    clock_step=_step(late.clock_task, language) if late.clock_task else None,
                    current=[_step(task, language) for task in late.current],
                    longest_holder_department=(
                        where.department.display_name(language)
                        if where and where.department
                        else ""
                    ),
                    longest_holder=where.officer if where else "",
                    longest_holder_kind=where.kind if where else "",
                    longest_working_days=round(where.working_days, 2) if where else 0.0,
                )
            )
        result.append(
            DepartmentLateOut(
                department=group.department.code,
                department_name=group.department.display_name(language),
                overdue=group.overdue,
                at_risk=group.at_risk,
                cases=cases,
            )
        )
    return result
