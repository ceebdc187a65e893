"""Telling people that clocks turned yellow or red, and what processes' timers raised:
the receivers of the sweep's ``clocks_alerted`` and ``tasks_escalated``, which come
once per sweep with all its alerts and all its reminders and escalations.

Who hears: a task's clock, its holders (the claimant, else the officers of its
department who may take it); a case's clock, the holders of the case's open tasks, and,
once overdue, the applicant. An officer whose alerts of a kind concern one task hears about
it, with its case number and a link to it; with several tasks, one digest ("12 tasks in
your inbox are due soon") that links to the inbox filtered to them. At midnight a working
day's clocks cross a threshold together: a digest is what an officer can act on, and it
keeps the sweep from writing an email per task per officer. Applicants hear about each
of their cases. Reminders and escalations go to their recipients the same way: one
about a task, or a digest of several (a lead hears "8 overdue tasks were escalated to
you" and finds them on the supervision page).

Rows are read as tuples, a chunk of clocks at a time: a midnight at a million open
tasks brings a couple of hundred thousand alerts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.urls import reverse

from onewindow.cases import notifications, presenters
from onewindow.cases.alerts import day_of, holder_notices
from onewindow.cases.models import Case
from onewindow.cases.queries import cases_by_instance
from onewindow.identity.models import User
from onewindow.identity.queries import holders_in
from onewindow.notifications import services as notify
from onewindow.notifications.services import Notice
from onewindow.workflow.choices import OPEN_TASK_STATUSES, AlertLevel, EscalationLevel
from onewindow.workflow.events import Alert
from onewindow.workflow.models import Escalation, WorkTask
from onewindow.workflow.permissions import lane_roles

CHUNK = 5000
T = TypeVar("T")
SAMPLE = 5  # case numbers a digest names
KINDS = {AlertLevel.WARNED: "task_warning", AlertLevel.OVERDUE: "task_overdue"}
# The digest of several notices of a kind, and the page that lists their tasks.
DIGESTS = {
    "task_warning": ("tasks_due_soon", "cases:inbox", "?deadline=due_soon"),
    "task_overdue": ("tasks_overdue", "cases:inbox", "?deadline=overdue"),
    "task_reminder": ("tasks_reminded", "cases:inbox", "?deadline=due_soon"),
    "task_escalated": ("tasks_escalated", "supervision:time_limits", ""),
}

# A task as the receiver reads it: id, run, department, role, claimant.
TaskRow = tuple[int, int, int | None, str, int | None]
TASK_FIELDS = ("pk", "instance_id", "department_id", "role", "claimed_by_id")


@dataclass(frozen=True)
class Owed:
    """One person is owed word of one event about one task: an alert of its clock (or
    its case's), or a reminder or escalation. ``key`` is the dedupe key of the notice
    that tells of this event alone."""

    kind: str
    key: str
    task_id: int
    instance_id: int
    case_id: int | None  # a case's clock: that case; otherwise the case of the task's run
    due_at: datetime | None
    context: tuple[tuple[str, Any], ...] = ()  # the single notice's further context


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
            self._found[department, role] = list(
                holders_in(department, lane_roles(role)).values_list("pk", flat=True)
            )
        return self._found[department, role]


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class Ledger:
    """What each person is owed, by kind; one entry per event (a case's clock is owed
    once to an officer holding two of its open tasks)."""

    def __init__(self) -> None:
        self.owed: dict[tuple[int, str], dict[str, Owed]] = {}

    def add(self, recipient: int, item: Owed) -> None:
        self.owed.setdefault((recipient, item.kind), {}).setdefault(item.key, item)

    def notices(self, now: datetime) -> list[Notice]:
        return _notices({key: list(items.values()) for key, items in self.owed.items()}, now)


def on_clocks_alerted(sender: Any, alerts: Sequence[Alert], now: datetime, **kwargs: Any) -> None:
    ledger = Ledger()
    found: list[Notice] = []
    officers = Officers()
    for chunk in _chunks(alerts):
        for recipient, item in _owed_in(chunk, officers, found):
            ledger.add(recipient, item)
    notify.notify_all(found + ledger.notices(now))


def on_tasks_escalated(
    sender: Any, escalations: Sequence[int], now: datetime, **kwargs: Any
) -> None:
    """The recipients of reminders and escalations hear of each, or of several at once."""
    ledger = Ledger()
    for chunk in _chunks(escalations):
        found = (
            Escalation.objects.filter(pk__any=chunk)
            .select_related("task__clock", "task__claimed_by")
            .prefetch_related("recipients")
        )
        for escalation in found:
            task = escalation.task
            reminder = escalation.level == EscalationLevel.REMINDER
            item = Owed(
                kind="task_reminder" if reminder else "task_escalated",
                key=f"escalation:{escalation.pk}",
                task_id=task.pk,
                instance_id=task.instance_id,
                case_id=None,
                due_at=task.clock.due_at if task.clock else None,
                context=(
                    ("holder", task.claimed_by.full_name if task.claimed_by else ""),
                    ("level", escalation.level),
                ),
            )
            for recipient in escalation.recipients.all():
                ledger.add(recipient.pk, item)
    notify.notify_all(ledger.notices(now))


def _owed_in(
    chunk: Sequence[Alert], officers: Officers, applicants: list[Notice]
) -> Iterator[tuple[int, Owed]]:
    """(officer, what they are owed) for a chunk of alerts; the applicants' notices of
    overdue cases go straight to ``applicants``."""
    by_clock = {alert.clock_id: alert for alert in chunk}
    task_clocks = set()
    rows = WorkTask.objects.filter(clock__any=by_clock).values_list("clock_id", *TASK_FIELDS)
    for clock_id, *row in rows:
        task_clocks.add(clock_id)
        task: TaskRow = tuple(row)
        # One event, the same for each of its officers: made once.
        owed = _alert_owed(by_clock[clock_id], task, None)
        for officer in officers.of(task):
            yield officer, owed
    case_clocks = [pk for pk in by_clock if pk not in task_clocks]
    cases = list(Case.objects.select_related("applicant", "parent").filter(clock__any=case_clocks))
    open_tasks: dict[int, list[TaskRow]] = {}
    for row in WorkTask.objects.filter(
        instance__any={case.instance_id for case in cases}, status__in=OPEN_TASK_STATUSES
    ).values_list(*TASK_FIELDS):
        open_tasks.setdefault(row[1], []).append(row)
    agents = notifications.company_agents(cases)  # once, not once per company case
    for case in cases:
        assert case.clock_id is not None
        alert = by_clock[case.clock_id]
        for task in open_tasks.get(case.instance_id or 0, []):
            owed = _alert_owed(alert, task, case.pk)
            for officer in officers.of(task):
                yield officer, owed
        if alert.level == AlertLevel.OVERDUE:
            applicants.extend(
                notifications.applicant_notices(
                    case,
                    "case_overdue",
                    _dedupe_key(alert),
                    agents=agents,
                    service=presenters.service_name(case),
                    due=day_of(alert.due_at),
                )
            )


def _alert_owed(alert: Alert, task: TaskRow, case_id: int | None) -> Owed:
    """An alert of the task's own clock, or (``case_id``) of its case's: the notice
    says which limit it is, as both may fall due for one task on different days."""
    return Owed(
        kind=KINDS[AlertLevel(alert.level)],
        key=_dedupe_key(alert),
        task_id=task[0],
        instance_id=task[1],
        case_id=case_id,
        due_at=alert.due_at,
        context=(("of_case", True),) if case_id is not None else (),
    )


def _dedupe_key(alert: Alert) -> str:
    level = "overdue" if alert.level == AlertLevel.OVERDUE else "warning"
    return f"clock:{alert.clock_id}:{level}:{alert.due_at.isoformat()}"


def _notices(owed: dict[tuple[int, str], list[Owed]], now: datetime) -> list[Notice]:
    """Per person and kind: a notice of each event when they all concern one task (a
    step's limit and its case's), else one digest of the tasks."""
    users = User.objects.in_bulk({recipient for recipient, _kind in owed})
    singles: list[tuple[int, str, Owed]] = []
    digests: dict[tuple[int, str], list[Owed]] = {}
    for (recipient, kind), items in owed.items():
        if len({item.task_id for item in items}) == 1:
            singles += [(recipient, kind, item) for item in items]
        else:
            digests[recipient, kind] = items
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
                dedupe_key=item.key,
                case=case,
                recipients=[users[recipient]],
                due=day_of(item.due_at),
                **dict(item.context),
            )
    for (recipient, kind), items in digests.items():
        found.append(_digest(users[recipient], kind, items, cases, now))
    return found


def _digest(
    user: User, kind: str, items: list[Owed], cases: dict[tuple[str, int], Case], now: datetime
) -> Notice:
    digest, page, query = DIGESTS[kind]
    count = len({item.task_id for item in items})
    numbers = list(
        dict.fromkeys(cases[_case_key(i)].number for i in items if _case_key(i) in cases)
    )[:SAMPLE]
    dues = [item.due_at for item in items if item.due_at is not None]
    return Notice(
        recipient=user,
        kind=digest,
        dedupe_key=f"digest:{kind}:{now.isoformat()}:{items[0].key}",
        link=reverse(page) + query,
        context={
            "count": count,
            "numbers": numbers,
            "more": max(0, count - len(numbers)),
            "due": day_of(min(dues)) if dues else "",
        },
    )


def _case_key(item: Owed) -> tuple[str, int]:
    return ("case", item.case_id) if item.case_id is not None else ("run", item.instance_id)


def _cases_of(items: Sequence[Owed]) -> dict[tuple[str, int], Case]:
    """The cases named by ``items``: by id for a case's clock, by run for a task's."""
    by_run = cases_by_instance(sorted({i.instance_id for i in items if i.case_id is None}))
    found: dict[tuple[str, int], Case] = {("run", run): case for run, case in by_run.items()}
    case_ids = {i.case_id for i in items if i.case_id is not None}
    if case_ids:
        for case in Case.objects.filter(pk__any=case_ids):
            found["case", case.pk] = case
    return found
