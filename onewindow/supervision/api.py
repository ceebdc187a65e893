"""The supervision API: overdue and at-risk cases by department."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from onewindow.core import paging
from onewindow.core.api_errors import errors
from onewindow.core.errors import Forbidden, InvalidInput
from onewindow.core.templatetags.onewindow import localized
from onewindow.supervision import permissions, queries
from onewindow.supervision.schemas import (
    DepartmentLateOut,
    LateCaseOut,
    StepOut,
    TimeLimitsIn,
)
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
    response={200: list[DepartmentLateOut], **errors(403, 422)},
    summary="Overdue and at-risk cases",
    operation_id="supervision_time_limits",
    openapi_extra={
        "responses": {
            200: {
                "headers": {
                    paging.TOTAL_HEADER: {
                        "description": "How many cases were found with a late clock "
                        "(in the department asked for)",
                        "schema": {"type": "integer"},
                    }
                }
            }
        }
    },
)
def time_limits(
    request: HttpRequest, response: HttpResponse, query: Query[TimeLimitsIn]
) -> list[DepartmentLateOut]:
    """By department, in the caller's scope: each case's current steps and who held it
    longest. For supervisors, department leads and platform admins (403 for others).
    The cases are paged (``limit``, ``offset``) by when their latest clock ends, their
    own or a late step's, the most overdue first; the ``X-Total-Count`` header gives how
    many are listed.
    ``department`` narrows the list to a department the caller supervises (and those
    under it): its cases, and others' cases with a late step of its; a code of no such
    department is a 422."""
    if not permissions.can_supervise(request.user):
        raise Forbidden(_("Only supervisors, department leads and platform admins see this."))
    within = None
    if query.department:
        scope = permissions.supervised_departments(request.user)
        within = scope.filter(code=query.department).first()
        if within is None:
            problem = _("No department you supervise has this code.")
            raise InvalidInput(problem, fields={"department": [problem]})
    language = get_language() or "zh-hans"
    now = timezone.now()
    found = queries.late_case_ids(request.user, now, within)
    response[paging.TOTAL_HEADER] = str(len(found))
    groups = queries.late_cases(request.user, now, found, query.offset, query.limit, within)
    result = []
    for group in groups:
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
