"""Overdue and at-risk cases by department, with the step and the holder where the time
went: the supervisor's view of time limits. Scoped to the departments the user
supervises (``permissions.supervised_filter``): a case is listed for those who supervise
its department, and for those who supervise the department of one of its late steps
(公安's lead sees 公安's overdue review of 民政's case, under 民政)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from django.db.models import Case as Choice
from django.db.models import F, Q, Value, When

from onewindow.cases import accountability
from onewindow.cases.choices import CaseStatus
from onewindow.cases.models import Case
from onewindow.cases.presenters import ClockView, clock_view
from onewindow.identity.models import Department
from onewindow.supervision.permissions import supervised_filter
from onewindow.workflow.choices import OPEN_TASK_STATUSES, ClockState, HolderKind, TaskStatus
from onewindow.workflow.models import WorkTask

LIMIT = 500  # cases listed at most at once (the API's largest page)
PAGE_SIZE = 100  # cases a page of the site lists
NO_END = datetime.max.replace(tzinfo=UTC)  # a clock without an end: after every other


@dataclass
class LateCase:
    case: Case
    clock: ClockView  # the worse of the case's clock and its open steps' clocks
    # The open step whose clock ``clock`` is; None for the case's own. Parallel steps
    # keep clocks of their own, which say little of the case's (the case stopped for
    # a supplement while another department's step runs late): the page names it.
    clock_task: WorkTask | None
    late_steps: list[tuple[WorkTask, ClockView]]  # open steps past their warning
    current: list[WorkTask]  # the open steps and who holds them
    where: accountability.Share | None  # the holder that had it longest

    @property
    def step_runs_while_stopped(self) -> bool:
        """Whether the clock shown is a step's that runs while the case waits for the
        applicant's supplement, which stops the case's own and the asking step's, not
        other departments' (ADR 0016): the page says why it runs."""
        return self.clock_task is not None and self.case.status == CaseStatus.SUPPLEMENT


def holder_kind(task: WorkTask) -> HolderKind:
    """Who has an open step now, as its time is accounted (``timekeeping``): the
    applicant while it waits for their supplement (the officer who asked keeps the
    claim, for when it comes back), else its officer or its department's inbox."""
    if task.status == TaskStatus.SUSPENDED:
        return HolderKind.APPLICANT
    if task.claimed_by_id is not None:
        return HolderKind.OFFICER
    return HolderKind.QUEUE


@dataclass
class DepartmentLate:
    department: Department
    cases: list[LateCase] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for c in self.cases if c.clock.colour == "red")

    @property
    def at_risk(self) -> int:
        return sum(1 for c in self.cases if c.clock.colour == "yellow")


def _late(now: datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}clock__state": ClockState.RUNNING, f"{prefix}clock__warn_at__lte": now})


def late_cases(
    user: Any,
    now: datetime,
    found: list[int] | None = None,
    offset: int = 0,
    limit: int = LIMIT,
    within: Department | None = None,
) -> list[DepartmentLate]:
    """Cases whose own clock, or an open step's clock, is yellow or red; most overdue
    first within each department, departments in tree order. ``found``: the ids
    ``late_case_ids`` gave, if the caller has them (to say how many there are).

    The cases are taken a page at a time (``offset``, ``limit``) in ``late_case_ids``'s
    order, by the end of their latest clock, so that the first page holds the most
    urgent whatever their department, rather than the departments first in the tree's
    order. ``within``: the
    department the list is narrowed to (``late_case_ids``), whose late clocks each row
    names before others'."""
    ids = (late_case_ids(user, now) if found is None else found)[offset : offset + limit]
    position = {pk: index for index, pk in enumerate(ids)}
    cases = sorted(
        Case.objects.filter(pk__any=ids).select_related("department", "clock"),
        key=lambda case: position[case.pk],
    )
    cases.sort(key=lambda case: case.department.path)  # stable: most urgent first in each
    # The listed cases' open steps and holdings in three queries, not three per case.
    open_tasks: dict[int, list[WorkTask]] = defaultdict(list)
    for task in (
        WorkTask.objects.filter(
            instance__in={case.instance_id for case in cases}, status__in=OPEN_TASK_STATUSES
        )
        .select_related("department", "claimed_by", "clock")
        .order_by("created_at", "pk")
    ):
        open_tasks[task.instance_id].append(task)
    holdings = accountability.holdings_of(cases, now)
    shared = _items_on_shared_runs(cases)
    grouped = []
    for department, members in groupby(cases, key=lambda c: c.department):
        group = DepartmentLate(department=department)
        for case in members:
            current, counted = _steps_of(case, open_tasks.get(case.instance_id or 0, []), shared)
            late = _late_case(case, current, counted, holdings[case.pk], now, within)
            if late is not None:
                group.cases.append(late)
        group.cases.sort(key=lambda c: (c.clock.colour != "red", c.clock.remaining_days))
        if group.cases:  # its cases were on a late run, none of the late steps theirs
            grouped.append(group)
    return grouped


def late_case_ids(user: Any, now: datetime, within: Department | None = None) -> list[int]:
    """The supervised cases a row is listed for, most urgent first: those late
    themselves, or with a late open step counted for them, in the order their latest
    clock ends (the earliest end first: the most overdue). Counted, as the rows count
    them (``_steps_of``): a life event's step is its department's item's, or the
    event's when no item stands for that department. So the page's total, its pages'
    positions and its rows are one list (QA: an event's other items were counted and
    never listed, and cases late only by a step came after every case due soon).

    A case is listed for those who supervise its department, or the department of a
    late step counted for it. Each part is read from the running clocks, which open
    work bounds, and joined here: one filter OR-ing them made PostgreSQL read every case
    the city ever had to find the few late ones.

    ``within``: as if the user supervised only that department and those under it (a
    supervisor of the whole city looking at one bureau): its cases, and others' cases
    with a late step of its."""
    scope = supervised_filter(user)  # reads the user's role assignments: once
    if within is not None:
        scope &= Q(department__path__startswith=within.path)
    supervised = Choice(When(scope, then=Value(True)), default=Value(False))
    # The late steps: their run, department, end and whether the user supervises them;
    # a When whose scope is empty (no supervised department) falls to the default.
    steps_of_run: dict[int, list[tuple[int | None, datetime, bool]]] = defaultdict(list)
    for run, department, due_at, watched in (
        WorkTask.objects.filter(_late(now), status__in=OPEN_TASK_STATUSES)
        .annotate(supervised=supervised)
        .values_list("instance_id", "department_id", "clock__due_at", "supervised")
    ):
        steps_of_run[run].append((department, due_at or NO_END, bool(watched)))
    # The items of a life event on its shared run take their department's steps.
    items_of_run: dict[int, set[int]] = defaultdict(set)
    for run, department in Case.objects.filter(
        instance__any=set(steps_of_run), parent__isnull=False, instance=F("parent__instance")
    ).values_list("instance_id", "department_id"):
        items_of_run[run].add(department)
    ends = {
        pk: due_at or NO_END
        for pk, due_at in Case.objects.filter(scope, _late(now)).values_list("pk", "clock__due_at")
    }
    for pk, run, department, item, watched in (
        Case.objects.filter(instance__any=set(steps_of_run))
        .annotate(
            supervised=supervised,
            item=Choice(When(instance=F("parent__instance"), then=Value(True)), default=False),
        )
        .values_list("pk", "instance_id", "department_id", "item", "supervised")
    ):
        taken = items_of_run[run]
        counted = [
            (due_at, step_watched)
            for step_department, due_at, step_watched in steps_of_run[run]
            if (step_department == department if item else step_department not in taken)
        ]
        if counted and (watched or any(step_watched for _due, step_watched in counted)):
            earliest = min(due_at for due_at, _watched in counted)
            ends[pk] = min(ends.get(pk, earliest), earliest)
    return sorted(ends, key=lambda pk: (ends[pk], pk))


def filter_choices(
    user: Any,
    now: datetime,
    departments: list[Department],
    within: Department | None,
    found: list[int],
) -> list[Department]:
    """The departments the page's filter offers: of ``departments`` (those the user
    supervises), the ones with late work (``with_late_work``), and ``within``, the one
    chosen, even with nothing late left. ``found``: ``late_case_ids`` within it."""
    everywhere = found if within is None else late_case_ids(user, now)
    choices = with_late_work(departments, everywhere, now)
    if within is not None and within not in choices:
        choices = sorted([*choices, within], key=lambda department: department.path)
    return choices


def with_late_work(
    departments: list[Department], found: list[int], now: datetime
) -> list[Department]:
    """Those of ``departments`` (a supervisor's filter's choices) that hold, themselves or
    under them, a department of the cases ``found`` (``late_case_ids``) or of their late
    open steps: the choices that narrow the list to something. A platform admin's scope
    is every department of the city, hundreds, most with nothing late."""
    cases = Case.objects.filter(pk__any=found)
    paths = set(cases.values_list("department__path", flat=True).distinct())
    paths.update(
        WorkTask.objects.filter(
            _late(now),
            status__in=OPEN_TASK_STATUSES,
            instance__in=cases.values("instance_id"),
            department__isnull=False,
        )
        .values_list("department__path", flat=True)
        .distinct()
    )
    return [d for d in departments if any(path.startswith(d.path) for path in paths)]


def _items_on_shared_runs(cases: list[Case]) -> set[tuple[int, int]]:
    """(run, department) of every life event's item run by its event's shared run,
    among the listed cases' runs: one read, listed or not (an item not late is not
    listed, and still takes its department's steps from its event)."""
    return set(
        Case.objects.filter(
            instance__any={case.instance_id for case in cases if case.instance_id},
            parent__isnull=False,
            instance=F("parent__instance"),
        ).values_list("instance_id", "department_id")
    )


def _steps_of(
    case: Case, tasks: list[WorkTask], shared: set[tuple[int, int]]
) -> tuple[list[WorkTask], list[WorkTask]]:
    """The case's open steps as listed, and those whose clocks count for it. A life
    event's shared run holds every item's steps: each is its department's item's (as
    its page and its extensions have it, ``queries.cases_and_items``), so a late step
    is counted once, under that item and its department; the event lists all its run's
    steps and counts those no item stands for. Counting a step for every case on the
    run made one late step five overdue cases, in four departments."""
    if (case.instance_id, case.department_id) in shared and case.parent_id is not None:
        own = [task for task in tasks if task.department_id == case.department_id]
        return own, own
    counted = [task for task in tasks if (task.instance_id, task.department_id) not in shared]
    return tasks, counted


SEVERITY = {"red": 2, "yellow": 1}


def _late_case(
    case: Case,
    current: list[WorkTask],
    counted: list[WorkTask],
    holdings: list[accountability.Holding],
    now: datetime,
    within: Department | None = None,
) -> LateCase | None:
    views = [(task, clock_view(task.clock, now)) for task in counted if task.clock is not None]
    late_steps = [(task, view) for task, view in views if view and view.colour in SEVERITY]
    candidates: list[tuple[WorkTask | None, ClockView]] = []
    own = clock_view(case.clock, now)
    # The case's own first: of clocks as late as each other, the one its page shows.
    if own is not None and own.colour in SEVERITY:
        candidates.append((None, own))
    candidates.extend(late_steps)
    if not candidates:
        return None
    if within is not None:
        # Narrowed to a department, a row names its late clock (QA: 医保局's list named
        # 卫健委's step of the case, its own as late left unsaid); others' if it has none.
        ours = [found for found in candidates if _is_within(case, found[0], within)]
        candidates = ours or candidates
    whose, worst = max(
        candidates, key=lambda found: (SEVERITY[found[1].colour], -found[1].remaining_days)
    )
    return LateCase(
        case=case,
        clock=worst,
        clock_task=whose,
        late_steps=late_steps,
        current=current,
        where=accountability.where_time_went(holdings),
    )


def _is_within(case: Case, task: WorkTask | None, within: Department) -> bool:
    """Whether a late clock (a step's, or for ``task`` None the case's own) is of the
    department ``within`` or one under it."""
    department = case.department if task is None else task.department
    return department is not None and department.is_within(within)
