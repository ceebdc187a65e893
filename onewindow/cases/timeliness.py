"""A case's promised time limit (承诺时限): its clock starts at acceptance (受理), stops
while a supplement is awaited, grows with an approved extension and ends with the case.

The limit is the one in the service guide the case was filed under (its
``item_version``). A life event's parent case promises its items one after another (the
sum of their limits, as the event's page adds them up). An item that shares the event's
run waits for the items before it: its clock starts when the run first gives its
department a step, so it is never due before the item it waits for. The arithmetic is
``workflow.clocks``; these functions only decide *which* clocks move and are called
inside the services' transactions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime

from onewindow.cases.choices import FINAL_STATUSES
from onewindow.cases.models import Case
from onewindow.workdays.calendar import get_calendar
from onewindow.workflow import clocks
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow.choices import ClockState


def promised_limit(case: Case) -> int | None:
    if case.item_version is not None:
        return int(case.item_version.promised_limit_days)
    limits = [
        child.item_version.promised_limit_days
        for child in case.children.select_related("item_version")
        if child.item_version is not None
    ]
    # The items done one after another: an item's clock starts only when the items it
    # waits for are done, so the event is due when the last of them is at the latest.
    return sum(limits) if limits else None


def moving_together(case: Case) -> list[Case]:
    """The cases whose clocks a step on ``case``'s run moves: the case, the children
    sharing its run, and its parent."""
    found = {case.pk: case}
    if case.instance_id is not None:
        for other in Case.objects.filter(instance_id=case.instance_id).select_related(
            "clock", "item_version"
        ):
            found.setdefault(other.pk, other)
    if case.parent_id is not None:
        parent = Case.objects.select_related("clock").get(pk=case.parent_id)
        found.setdefault(parent.pk, parent)
    return sorted(found.values(), key=lambda c: c.pk)


def start(cases: Iterable[Case], at: datetime) -> list[Case]:
    """Start the clocks of the accepted cases that have none, but not of an item still
    waiting for the items before it (``waiting``); returns those started."""
    calendar = get_calendar()
    reached = functools.cache(workflow_queries.departments_reached)  # a run's, read once
    started = []
    for case in cases:
        if case.clock_id is not None or case.status in FINAL_STATUSES or waiting(case, reached):
            continue
        limit = promised_limit(case)
        if limit is None:
            continue
        clock = clocks.new_clock(limit_days=limit, at=at, calendar=calendar)
        clock.save()
        case.clock = clock
        Case.objects.filter(pk=case.pk).update(clock=clock)
        started.append(case)
    return started


def start_items_reached(cases: Iterable[Case], at: datetime) -> list[Case]:
    """After a step of an accepted life event's shared run, start the clocks of the
    items whose step the run has now reached."""
    cases = list(cases)
    accepted = {case.pk for case in cases if case.parent_id is None and case.clock_id}
    return start([case for case in cases if case.parent_id in accepted], at)


def waiting(
    case: Case, reached: Callable[[int], set[int]] = workflow_queries.departments_reached
) -> bool:
    """Whether ``case`` is a life event's item on the event's shared run whose department
    has had no step of it yet (``reached``: a run's departments so far): its work, and
    so its time limit, has not begun. (An item with a run of its own begins with that
    run.)"""
    if case.parent_id is None or case.instance_id is None:
        return False
    parent = case.parent
    if parent is None or parent.instance_id != case.instance_id:
        return False
    return case.department_id not in reached(case.instance_id)


def accepted_without_a_step(case: Case) -> bool:
    """Whether the case's process has no acceptance step: it is accepted when filed,
    as online applications with instant acceptance (即时受理) are."""
    if case.instance is None:
        return False
    return not workflow_queries.has_outcome(case.instance, "accept")


def stop_finished(cases: Iterable[Case], at: datetime) -> None:
    """Stop the clocks of the finished cases among ``cases``, as ``moving_together``
    gave them after the step's changes of status (and ``start``'s of clock)."""
    calendar = get_calendar()
    for case in cases:
        if case.status in FINAL_STATUSES and case.clock is not None:
            clocks.stop(case.clock, at, calendar)
            case.clock.save()


def pause(cases: Iterable[Case], at: datetime) -> None:
    for case in cases:
        if case.clock is not None:
            clocks.pause(case.clock, at)
            case.clock.save()


def resume(cases: Iterable[Case], at: datetime) -> None:
    for case in cases:
        if case.clock is not None:
            clocks.resume(case.clock, at)
            case.clock.save()


def extend(cases: Iterable[Case], days: int, at: datetime) -> None:
    """Lengthen the limits still counting; a finished item of a life event keeps the
    limit it was judged on."""
    for case in cases:
        if case.clock is not None and case.clock.state != ClockState.STOPPED:
            clocks.extend(case.clock, days, at)
            case.clock.save()
