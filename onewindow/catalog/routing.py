"""Where an item's process sends its applications: into the inboxes of the departments
its lanes name. An editor's choice of process (``services.bind_application``) must
reach the item's own department, and reach only departments the editor edits, as a
process is uploaded only by an admin of every department in its lanes
(``workflow.permissions.can_upload_definition``). A life event's process of the whole
(``services.bind_event_process``) is chosen by an editor of all the event's items
(``permissions.can_bind_event_process``) and must have a lane for each item's department
and none for any other: each item follows the task of its own department's lane.

The system (the demo seed) binds without these checks, as it binds events' processes.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.audit.services import refused
from onewindow.catalog import permissions
from onewindow.catalog.models import LifeEvent, ServiceItem
from onewindow.core.errors import Forbidden, InvalidInput
from onewindow.core.templatetags.onewindow import localized
from onewindow.identity import naming
from onewindow.identity.models import Department, User
from onewindow.workflow import library as workflow_library
from onewindow.workflow.engine import ProcessError
from onewindow.workflow.models import ProcessDefinition


def _lane_codes(process: ProcessDefinition) -> set[str]:
    """``ProcessError`` when the version no longer loads."""
    return {lane.department_code for lane in workflow_library.lanes_of(process)}


def lane_departments(process: ProcessDefinition) -> tuple[list[Department], list[str]]:
    """The departments the process's lanes name (by their place in the tree), and the
    codes among them that name no department (any more). ``ProcessError`` when the
    version no longer loads."""
    codes = _lane_codes(process)
    found = list(Department.objects.filter(code__in=codes).order_by("path"))
    return found, sorted(codes - {d.code for d in found})


def departments_reached(processes: list[ProcessDefinition]) -> dict[int, list[Department]]:
    """Process id → the departments its lanes name, for several processes in one query.
    A version that no longer loads reaches nobody: its applications cannot be filed
    either."""
    codes: dict[int, set[str]] = {}
    for process in processes:
        try:
            codes[process.pk] = _lane_codes(process)
        except ProcessError:
            continue
    wanted = set().union(*codes.values()) if codes else set()
    departments = {d.code: d for d in Department.objects.filter(code__in=wanted)}
    return {
        pk: [departments[code] for code in sorted(found) if code in departments]
        for pk, found in codes.items()
    }


def _lanes_or_invalid(process: ProcessDefinition) -> tuple[list[Department], list[str]]:
    try:
        return lane_departments(process)
    except ProcessError as exc:
        raise InvalidInput(exc.message, fields={"process": [exc.message]}) from exc


def _unknown_problem(codes: list[str]) -> str:
    return _("This process's lanes name departments that do not exist: %(codes)s.") % {
        "codes": pgettext("list separator", ", ").join(codes)
    }


def _refuse_at_process(problems: list[str]) -> None:
    if problems:
        raise InvalidInput(problems[0], fields={"process": list(problems)})


def reaches(department: Department, lanes: list[Department]) -> bool:
    """Whether a lane names ``department`` or one of its units: the department handles
    its item's applications itself (a lane above it, such as the city's, is somebody
    else's inbox)."""
    return any(lane.is_within(department) for lane in lanes)


def check_item_process(
    *,
    actor: User,
    service_item: ServiceItem,
    process: ProcessDefinition,
    request: HttpRequest | None = None,
) -> None:
    """Raise, with the message at the ``process`` field, unless ``actor`` may have the
    item's applications handled by ``process``. A process that does not reach the item's
    department, or names a department that no longer exists, is wrong for anyone
    (``InvalidInput``); one that reaches departments the actor does not edit is refused
    to them (``Forbidden``, on record). Call outside any transaction: the refusal's
    record must stay."""
    lanes, unknown = _lanes_or_invalid(process)
    own = service_item.department
    problems = []
    if not reaches(own, lanes):
        problems.append(
            _(
                "This process has no lane for %(department)s: the item's applications "
                "would go to other departments' inboxes. Choose a process with a lane "
                "for %(department)s."
            )
            % {"department": localized(own)}
        )
    if unknown:
        problems.append(_unknown_problem(unknown))
    _refuse_at_process(problems)
    if not permissions.can_bind_item_process(actor, lanes):
        others = [d for d in lanes if not permissions.can_edit_items_of(actor, d)]
        message = _(
            "Only an editor of every department in the process's lanes may choose it; "
            "you do not edit %(departments)s."
        ) % {"departments": naming.names(others)}
        raise refused(
            Forbidden(message, fields={"process": [message]}),
            actor=actor,
            action="catalog.application_bound",
            target=service_item,
            request=request,
            detail={"process": str(process), "departments": [d.code for d in others]},
        )


def check_event_process(event: LifeEvent, process: ProcessDefinition) -> None:
    """Raise ``InvalidInput``, at the ``process`` field, unless ``process`` can run
    ``event``'s items together: a lane for each item's department, whose tasks its item
    follows (``cases.services``), and none for a department without an item in the event,
    whose inbox would receive the application with no service of its own to decide.
    Reads the event's steps with their items' departments as the caller fetched them."""
    lanes, unknown = _lanes_or_invalid(process)
    items = {step.item.department for step in event.steps.all()}
    problems = []
    if without_lane := sorted(items - set(lanes), key=lambda d: d.path):
        problems.append(
            _(
                "This process has no lane for %(departments)s: their services in the "
                "event would never be handled. Choose a process with a lane for each "
                "department of the event's services."
            )
            % {"departments": naming.names(without_lane)}
        )
    if outside := [d for d in lanes if d not in items]:
        problems.append(
            _(
                "This process's lanes name %(departments)s, which handle none of the "
                "event's services: the application would go to their inboxes."
            )
            % {"departments": naming.names(outside)}
        )
    if unknown:
        problems.append(_unknown_problem(unknown))
    _refuse_at_process(problems)
