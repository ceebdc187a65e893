"""What officers and applicants read: time limits as a colour *and* words ("Due soon:
1 working day left"), for the inbox, the task page, the applicant's case page and the
API; and a task's outcomes by their labels, never their codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from onewindow.cases.choices import FINAL_STATUSES
from onewindow.cases.models import Case, CaseEvent
from onewindow.core.templatetags.onewindow import localized
from onewindow.workflow import clocks
from onewindow.workflow.choices import Outcome
from onewindow.workflow.models import Clock, WorkTask

LABELS = {
    "green": lambda: _("On time"),
    "yellow": lambda: _("Due soon"),
    "red": lambda: _("Overdue"),
    "paused": lambda: _("Stopped for a supplement"),
    "on_time": lambda: _("Finished on time"),
    "late": lambda: _("Finished late"),
    "unknown": lambda: _("Deadline not yet known"),
}


@dataclass(frozen=True)
class ClockView:
    colour: str
    label: str
    detail: str
    due_at: datetime | None
    used_days: int
    total_days: int
    extended_days: int
    started_at: datetime
    problem: str

    @property
    def remaining_days(self) -> int:
        return self.total_days - self.used_days

    @property
    def last_day(self) -> date | None:
        return clocks.last_day(self.due_at)


def _detail(reading: clocks.ClockReading) -> str:
    remaining = reading.remaining_days
    if reading.colour in ("on_time", "late"):
        return ngettext(
            "%(used)d working day used of %(total)d.",
            "%(used)d working days used of %(total)d.",
            reading.used_days,
        ) % {"used": reading.used_days, "total": reading.total_days}
    if remaining < 0:
        return ngettext(
            "Overdue by %(days)d working day.", "Overdue by %(days)d working days.", -remaining
        ) % {"days": -remaining}
    if reading.colour == "red":  # past the deadline, no working day since
        return _("The time limit has passed.")
    if remaining == 0:  # the last working day is today: "0 days left" reads as too late
        return _("Today is the last working day of %(total)d.") % {"total": reading.total_days}
    return ngettext(
        "%(days)d working day left of %(total)d.",
        "%(days)d working days left of %(total)d.",
        remaining,
    ) % {"days": remaining, "total": reading.total_days}


def item_clock_pending(item: Case) -> str:
    """For a life event's item whose time limit has not started, when it will: an item
    on the event's shared run starts its clock when the run reaches its department
    (``timeliness.waiting``), one with a run of its own at acceptance. Empty once the
    clock runs, or for an item that is finished."""
    if item.clock_id is not None or item.status in FINAL_STATUSES:
        return ""
    if item_waits_for_earlier_steps(item):
        # The line names the department already: "this department".
        return _(
            "Its time limit starts when the steps before it are done and the application "
            "reaches this department."
        )
    return _("Its time limit starts when the application is accepted.")


def item_waits_for_earlier_steps(item: Case) -> bool:
    """A life event's item on the event's shared run that the run has not reached yet
    (its clock starts when it does, ``timeliness.waiting``): not begun, though its
    status still reads as filed."""
    if item.clock_id is not None or item.status in FINAL_STATUSES:
        return False
    return on_shared_run(item)


def on_shared_run(item: Case) -> bool:
    """A life event's item run by the event's shared run: its clock starts when the run
    reaches its department (``timeliness.waiting``), neither at submission nor at an
    acceptance of its own."""
    parent = item.parent
    return parent is not None and bool(item.instance_id) and parent.instance_id == item.instance_id


def counted_from_submission(case: Case) -> bool:
    """Whether the case's time limit counts from its submission rather than from its
    acceptance: no step accepted it nor any of its items, its process accepting it as it
    was filed (``timeliness.accepted_without_a_step``). Reads the events the case page
    prefetches (``queries.case_for``)."""
    return not any(
        event.outcome == Outcome.ACCEPT
        for each in [case, *case.children.all()]
        for event in each.events.all()
    )


def clock_view(clock: Clock | None, now: datetime) -> ClockView | None:
    if clock is None:
        return None
    reading = clocks.reading(clock, now)
    return ClockView(
        colour=reading.colour,
        label=LABELS[reading.colour](),
        detail=_detail(reading),
        due_at=reading.due_at,
        used_days=reading.used_days,
        total_days=reading.total_days,
        extended_days=clock.extended_days,
        started_at=clock.started_at,
        problem=clock.problem,
    )


def outcome_choices(allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    """A step's outcomes as (code, label), in the process's order: the task page's radio
    buttons, and the words of a message naming them."""
    return [(code, str(Outcome(code).label)) for code in allowed if code in Outcome.values]


def outcome_list(allowed: tuple[str, ...]) -> str:
    """A step's outcomes by their labels, as one phrase ("Accept, Not accepted")."""
    separator = pgettext("list separator", ", ")
    return separator.join(label for _code, label in outcome_choices(allowed))


# ``localized`` decided when the text is rendered, not when it is built: a notification's
# context built in an officer's request is read in the applicant's language.
_localized_later = lazy(localized, str)


def service_name(case: Case) -> str:
    """The case's service as the reader's language names it."""
    return _localized_later(case, "service_name")


def department_name(department: Any) -> str:
    """A department as the reader's language names it."""
    return _localized_later(department, "name")


def task_name(task: WorkTask) -> str:
    """The task as the reader's language names it (its process's ``name_en`` in
    English, when the process gives one)."""
    return _localized_later(task, "name")


def step_name(event: CaseEvent) -> str:
    """A timeline entry's step as the reader's language names it."""
    return _localized_later(event, "step")
