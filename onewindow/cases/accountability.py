"""Where a case's time went: which department and which officer held it, step by step,
and for how long in working days (责任追溯).

Every change of holder is a ``TaskHolding`` row (the department's inbox, an officer, or
the applicant while a supplement was awaited); this module reads them for a case's
runs and measures each on the working-day calendar: only the hours of working days
count, 24 to a day, so a task held from Friday 17:00 to Monday 09:00 was held for
0.2917 + 0.375 working days, whatever the weekend. Reads only; the caller has checked
that the viewer may see the case.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from onewindow.cases import presenters
from onewindow.cases.models import Case
from onewindow.identity.models import Department
from onewindow.workdays.calendar import CalendarNotConfigured, get_calendar
from onewindow.workflow.choices import HolderKind
from onewindow.workflow.models import TaskHolding


@dataclass(frozen=True)
class Holding:
    step: str
    task_id: int
    department: Department | None
    kind: str  # a HolderKind value
    officer: str  # the officer's name, or "" for the inbox and the applicant
    started_at: datetime
    ended_at: datetime | None  # None: holds it still
    working_days: float | None  # None when the calendar cannot measure the span

    @property
    def current(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class Share:
    """One holder's total over the case."""

    department: Department | None
    kind: str
    officer: str
    working_days: float


def _runs(cases: Sequence[Case]) -> dict[int, list[int]]:
    """Each case's runs: its own and its items' (a life event), in one query."""
    runs: dict[int, set[int]] = {
        case.pk: {case.instance_id} if case.instance_id else set() for case in cases
    }
    children = Case.objects.filter(parent__in=list(runs), instance__isnull=False)
    for parent_id, instance_id in children.values_list("parent_id", "instance_id"):
        runs[parent_id].add(instance_id)
    return {pk: sorted(ids) for pk, ids in runs.items()}


def holdings(case: Case, now: datetime | None = None) -> list[Holding]:
    """Every holding of every task of the case (and of its items), oldest first."""
    return holdings_of([case], now)[case.pk]


def holdings_of(cases: Sequence[Case], now: datetime | None = None) -> dict[int, list[Holding]]:
    """``holdings`` of each case, by case id, in a few queries for all of them."""
    now = now or timezone.now()
    calendar = get_calendar()
    runs = _runs(cases)
    rows = (
        TaskHolding.objects.filter(task__instance_id__in={i for ids in runs.values() for i in ids})
        .select_related("task", "officer", "department")
        .order_by("started_at", "pk")
    )
    cases_of_run: dict[int, list[int]] = defaultdict(list)
    for pk, ids in runs.items():
        for run in ids:
            cases_of_run[run].append(pk)
    found: dict[int, list[Holding]] = {pk: [] for pk in runs}
    for row in rows:  # in order, so each case's list is too
        try:
            days: float | None = calendar.working_time_between(row.started_at, row.ended_at or now)
        except CalendarNotConfigured:
            days = None
        holding = Holding(
            step=presenters.task_name(row.task),
            task_id=row.task_id,
            department=row.department,
            kind=row.kind,
            officer=row.officer.full_name if row.officer else "",
            started_at=row.started_at,
            ended_at=row.ended_at,
            working_days=days,
        )
        for pk in cases_of_run[row.task.instance_id]:
            found[pk].append(holding)
    return found


def shares(rows: list[Holding]) -> list[Share]:
    """Totals by holder, largest first."""
    totals: dict[tuple[int | None, str, str], float] = defaultdict(float)
    departments: dict[int | None, Department | None] = {}
    for row in rows:
        key = (row.department.pk if row.department else None, row.kind, row.officer)
        departments[key[0]] = row.department
        totals[key] += row.working_days or 0.0
    ordered = sorted(totals.items(), key=lambda item: -item[1])
    return [
        Share(department=departments[dept], kind=kind, officer=officer, working_days=days)
        for (dept, kind, officer), days in ordered
    ]


def where_time_went(rows: list[Holding]) -> Share | None:
    """The department and officer (or inbox) that held the case longest; the
    applicant's own time (supplements) is not the administration's. None while no one
    has held it for any working time (filed on a holiday, or just now): "longest with
    ... 0.00 working days" would say nothing."""
    for share in shares(rows):
        if share.kind != HolderKind.APPLICANT:
            return share if share.working_days > 0 else None
    return None
