"""Telling people that clocks turned yellow or red: the receiver of the sweep's
``clocks_alerted``, which comes once per sweep with all the clocks it moved.

Who hears: a task's clock, its holders (the claimant, else the officers of its
department who may take it); a case's clock, the holders of the case's open tasks, and,
once overdue, the applicant. An officer whose alerts of a kind concern one task hears about
it, with its case number and a link to it; with several tasks, one digest ("12 tasks in
your inbox are due soon") that links to the inbox filtered to them. At midnight a working
day's clocks cross a threshold together: a digest is what an officer can act on, and it
keeps the sweep from writing an email per task per officer. Applicants hear about each
of their cases.

Rows are read as tuples, a chunk of clocks at a time: a midnight at a million open
tasks brings a couple of hundred thousand alerts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse

from onewindow.cases import notifications
from onewindow.cases.alerts import due_day, holder_notices
from onewindow.cases.models import Case
from onewindow.cases.queries import cases_by_instance
from onewindow.identity.models import User
from onewindow.identity.queries import holders_in
from onewindow.notifications import services as notify
from onewindow.notifications.services import Notice
from onewindow.workflow.choices import OPEN_TASK_STATUSES, AlertLevel
from onewindow.workflow.events import Alert
from onewindow.workflow.models import Clock, WorkTask
from onewindow.workflow.permissions import CASEWORK_ROLES

CHUNK = 5000
SAMPLE = 5  # case numbers a digest names
KINDS = {AlertLevel.WARNED: "task_warning", AlertLevel.OVERDUE: "task_overdue"}
DIGESTS = {"task_warning": "tasks_due_soon", "task_overdue": "tasks_overdue"}
INBOX_FILTER = {"task_warning": "due_soon", "task_overdue": "overdue"}

# A task as the receiver reads it: id, run, department, role, claimant.
TaskRow = tuple[int, int, int | None, str, int | None]
TASK_FIELDS = ("pk", "instance_id", "department_id", "role", "claimed_by_id")


@dataclass(frozen=True)
class Owed:
    """One officer is owed word of one task's (or its case's) alert."""

    alert: Alert
    task_id: int
    instance_id: int
    case_id: int | None  # a case's clock: that case; a task's: the case of its run

    @property
    def kind(self) -> str:
        return KINDS[AlertLevel(self.alert.level)]


class Officers:
    """Who may take a task, by department and role, read once per sweep."""

    def __init__(self) -> None:
        self._found: dict[tuple[int, str], list[int]] = {}

    def of(self, row: TaskRow) -> list[int]:
        _task, _instance, department, role, claimant = row
        if claimant is not None:
            return [claimant]
        if department is None:
            return []
        if (department, role) not in self._found:
            roles = frozenset({role}) if role else CASEWORK_ROLES
            self._found[department, role] = list(
                holders_in(department, roles).values_list("pk", flat=True)
            )
        return self._found[department, role]


def _chunks(alerts: Sequence[Alert]) -> Iterator[Sequence[Alert]]:
    for start in range(0, len(alerts), CHUNK):
        yield alerts[start : start + CHUNK]


def on_clocks_alerted(sender: Any, alerts: Sequence[Alert], now: datetime, **kwargs: Any) -> None:
    # Per officer and kind, per clock: a case's clock is owed once to an officer
    # holding two of its open tasks.
    owed: dict[tuple[int, str], dict[int, Owed]] = {}
    found: list[Notice] = []
    officers = Officers()
    for chunk in _chunks(alerts):
        for recipient, item in _owed_in(chunk, officers, found):
            owed.setdefault((recipient, item.kind), {}).setdefault(item.alert.clock_id, item)
    found += _officer_notices({key: list(items.values()) for key, items in owed.items()}, now)
    notify.notify_all(found)


def _owed_in(
    chunk: Sequence[Alert], officers: Officers, applicants: list[Notice]
) -> Iterator[tuple[int, Owed]]:
    """(officer, what they are owed) for a chunk of alerts; the applicants' notices of
    overdue cases go straight to ``applicants``."""
    by_clock = {alert.clock_id: alert for alert in chunk}
    task_clocks = set()
    rows = WorkTask.objects.filter(clock__in=by_clock).values_list("clock_id", *TASK_FIELDS)
    for clock_id, *row in rows:
        task_clocks.add(clock_id)
        task: TaskRow = tuple(row)
        for officer in officers.of(task):
            yield officer, Owed(by_clock[clock_id], task[0], task[1], None)
    case_clocks = [pk for pk in by_clock if pk not in task_clocks]
    cases = list(Case.objects.select_related("applicant").filter(clock__in=case_clocks))
    open_tasks: dict[int, list[TaskRow]] = {}
    for row in WorkTask.objects.filter(
        instance__in={case.instance_id for case in cases}, status__in=OPEN_TASK_STATUSES
    ).values_list(*TASK_FIELDS):
        open_tasks.setdefault(row[1], []).append(row)
    for case in cases:
        assert case.clock_id is not None
        alert = by_clock[case.clock_id]
        for task in open_tasks.get(case.instance_id or 0, []):
            for officer in officers.of(task):
                yield officer, Owed(alert, task[0], task[1], case.pk)
        if alert.level == AlertLevel.OVERDUE:
            applicants.append(
                notifications.applicant_notice(
                    case,
                    "case_overdue",
                    _dedupe_key(alert),
                    service=case.service_name,
                    due=due_day(_clock(alert)),
                )
            )


def _clock(alert: Alert) -> Clock:
    return Clock(pk=alert.clock_id, due_at=alert.due_at)


def _dedupe_key(alert: Alert) -> str:
    level = "overdue" if alert.level == AlertLevel.OVERDUE else "warning"
    return f"clock:{alert.clock_id}:{level}:{alert.due_at.isoformat()}"


def _officer_notices(owed: dict[tuple[int, str], list[Owed]], now: datetime) -> list[Notice]:
    """Per officer and kind: word of each alert when they all concern one task (its
    own limit and its case's), else one digest of the tasks."""
    users = User.objects.in_bulk({recipient for recipient, _kind in owed})
    singles = [
        (recipient, kind, item)
        for (recipient, kind), items in owed.items()
        if len({item.task_id for item in items}) == 1
        for item in items
    ]
    digests = {
        key: items for key, items in owed.items() if len({item.task_id for item in items}) > 1
    }
    samples = [item for items in digests.values() for item in items[: SAMPLE * 2]]
    cases = _cases_of([*(item for _r, _k, item in singles), *samples])
    tasks = WorkTask.objects.select_related("department", "claimed_by", "clock").in_bulk(
        {item.task_id for _r, _k, item in singles}
    )
    found: list[Notice] = []
    for recipient, kind, item in singles:
        case = cases.get(_case_key(item))
        if case is not None:
            found += holder_notices(
                tasks[item.task_id],
                kind,
                dedupe_key=_dedupe_key(item.alert),
                case=case,
                recipients=[users[recipient]],
                due=due_day(_clock(item.alert)),
            )
    for (recipient, kind), items in digests.items():
        count = len({item.task_id for item in items})
        numbers = list(
            dict.fromkeys(cases[_case_key(i)].number for i in items if _case_key(i) in cases)
        )[:SAMPLE]
        earliest = min(items, key=lambda item: item.alert.due_at).alert
        found.append(
            Notice(
                recipient=users[recipient],
                kind=DIGESTS[kind],
                dedupe_key=f"alerts:{kind}:{now.isoformat()}:{items[0].alert.clock_id}",
                link=f"{reverse('cases:inbox')}?deadline={INBOX_FILTER[kind]}",
                context={
                    "count": count,
                    "numbers": numbers,
                    "more": max(0, count - len(numbers)),
                    "due": due_day(_clock(earliest)),
                },
            )
        )
    return found


def _case_key(item: Owed) -> tuple[str, int]:
    return ("case", item.case_id) if item.case_id is not None else ("run", item.instance_id)


def _cases_of(items: Sequence[Owed]) -> dict[tuple[str, int], Case]:
    """The cases named by ``items``: by id for a case's clock, by run for a task's."""
    by_run = cases_by_instance(sorted({i.instance_id for i in items if i.case_id is None}))
    found: dict[tuple[str, int], Case] = {("run", run): case for run, case in by_run.items()}
    case_ids = {i.case_id for i in items if i.case_id is not None}
    if case_ids:
        for case in Case.objects.filter(pk__in=case_ids):
            found["case", case.pk] = case
    return found
