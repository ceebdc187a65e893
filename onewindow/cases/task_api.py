"""The tasks API: an officer's inbox, and claiming, releasing and deciding its tasks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from onewindow.cases import queries, services
from onewindow.cases.api import clock_out, detail_out
from onewindow.cases.choices import CaseStatus
from onewindow.cases.schemas import CaseOut, DecisionIn, InboxFilterIn, TaskOut
from onewindow.core import paging
from onewindow.core.api_errors import errors
from onewindow.core.errors import InvalidInput
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import TaskStatus
from onewindow.workflow.models import WorkTask

router = Router(tags=["cases"])


def _tasks_out(tasks: list[WorkTask]) -> list[TaskOut]:
    cases = queries.cases_by_instance([t.instance_id for t in tasks])
    out = []
    for task in tasks:
        case = cases.get(task.instance_id)
        out.append(
            TaskOut(
                id=task.pk,
                name=task.name,
                name_en=task.name_en,
                department=task.department.code if task.department else "",
                status=TaskStatus(task.status),
                claimed_by=task.claimed_by.username if task.claimed_by else "",
                created_at=task.created_at,
                case=case.number if case else "",
                service=case.service_code if case else "",
                case_status=CaseStatus(case.status) if case else "",
                clock=clock_out(task.clock or (case.clock if case else None)),
            )
        )
    return out


@router.get(
    "/tasks",
    response=list[TaskOut],
    summary="My department's inbox",
    openapi_extra=paging.TOTAL_IN_SCHEMA,
    operation_id="tasks_list",
)
def inbox(
    request: HttpRequest,
    response: HttpResponse,
    page: Query[paging.PageIn],
    filters: Query[InboxFilterIn],
) -> list[TaskOut]:
    """Open tasks, oldest first (or as ``order`` says), a page at a time (``limit``,
    ``offset``; the total in ``X-Total-Count``); filtered by service, case status,
    deadline, and to the caller's own claimed tasks (``mine``). An unknown service is a
    422, as an unknown status, deadline or order is."""
    if filters.service and not queries.is_known_service(filters.service):
        message = _("No such service.")
        raise InvalidInput(message, fields={"service": [message]})
    tasks = queries.inbox(
        request.user,
        service=filters.service,
        status=filters.status or "",
        deadline=filters.deadline or "",
        mine=filters.mine,
        order=filters.order or "oldest",
    )
    return _tasks_out(paging.page_of(tasks, page, response))


@router.post(
    "/tasks/{task_id}/claim",
    response={200: TaskOut, **errors(403, 409)},
    summary="Claim a task",
    operation_id="tasks_claim",
)
def claim_task(request: HttpRequest, task_id: int) -> TaskOut:
    """Take a task of one's department and role from the inbox; 409 ``already_claimed``
    when another officer holds it, ``task_closed`` when it was decided."""
    task = workflow_services.claim_task(actor=request.user, task_id=task_id, request=request)
    return _tasks_out([task])[0]


@router.post(
    "/tasks/{task_id}/release",
    response={200: TaskOut, **errors(403, 409)},
    summary="Release a task",
    operation_id="tasks_release",
)
def release_task(request: HttpRequest, task_id: int) -> TaskOut:
    """Put a task one has claimed back in the department's inbox (403 for another's)."""
    task = workflow_services.release_task(actor=request.user, task_id=task_id, request=request)
    return _tasks_out([task])[0]


@router.post(
    "/tasks/{task_id}/complete",
    response={200: CaseOut, **errors(403, 409)},
    summary="Decide a task",
    operation_id="tasks_complete",
)
def complete_task(request: HttpRequest, task_id: int, payload: DecisionIn) -> CaseOut:
    """The step's outcome (受理, 不予受理, 批准, 不予批准, 办结); the process goes on, the
    applicant is told, and the answer is the case as decided. 409 when the task is
    closed (``task_closed``), awaits a supplement, or another officer claimed it
    (``already_claimed``); 403 when the step is not the caller's role's."""
    case = services.decide_task(
        actor=request.user,  # type: ignore[arg-type]
        task_id=task_id,
        outcome=payload.outcome.value,
        comment=payload.comment,
        note_for_applicant=payload.note_for_applicant,
        request=request,
        shown=True,  # read back and its view audited in the decision's transaction
    )
    return detail_out(case, request.user)
