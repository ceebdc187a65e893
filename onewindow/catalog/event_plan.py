"""What one online application for a life event covers, step by step, and how long the
event may take: what the event's page tells the applicant.

A step whose item takes applications of its own (``queries.takes_applications``) is
filed with the event's application. A step whose item takes none may still be handled
in it: the application's process sends it to that item's department. The process is
the event's process of the whole when it has one (its items run together in it, as
``cases.filing`` starts them), and otherwise each item's own process, which applying
for that item alone runs too (the company start-up's registration sends the tax,
social insurance and provident fund registrations to their departments in parallel).
A lane reaches a department when it names the department or one of its units
(``routing.reaches``): each item follows its department's lane, as an event's process
of the whole is checked to provide (``routing.check_event_process``).

The time is the promised limits added up one after another, as the event's parent case
promises its items (``cases.timeliness.promised_limit``), each application counting
once: a step handled within another step's application is done within that
application's limit (its case's clock runs until the whole run ends), so adding its
own limit again would count it twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from onewindow.catalog.models import LifeEvent, LifeEventStep, ServiceItem
from onewindow.catalog.queries import life_events, takes_applications
from onewindow.catalog.routing import departments_reached, reaches
from onewindow.workflow.models import ProcessDefinition

# Handled within the event's process of the whole, not within one item's application.
WHOLE_EVENT = "event"


@dataclass(frozen=True)
class EventPlan:
    steps: list[LifeEventStep]
    own: frozenset[int]  # pks of the steps whose items take applications of their own
    # pk of a step without an application of its own → what handles it: the step whose
    # application's process reaches its department, or ``WHOLE_EVENT``.
    within: dict[int, LifeEventStep | str]

    @property
    def online(self) -> int:
        """How many of the steps one application for the event covers."""
        return len(self.own) + len(self.within)

    @property
    def total_days(self) -> int:
        """The promised limits of the steps not handled within another's application,
        one after another; a step whose guide is not published counts nothing."""
        return sum(
            step.item.published.promised_limit_days
            for step in self.steps
            if step.item.published is not None and step.pk not in self.within
        )


def plan(event: LifeEvent) -> EventPlan:
    """The plan of ``event`` as ``queries.life_event`` fetched it (steps with their items'
    published versions, processes and departments, the event's process). One query when
    some step takes no application of its own while another does (the departments the
    processes' lanes name), and two per process this worker has not parsed yet (its
    files); none otherwise."""
    steps = sorted(event.steps.all(), key=lambda s: s.order)
    own = frozenset(s.pk for s in steps if takes_applications(s.item.published))
    rest = [s for s in steps if s.pk not in own]
    if not own or not rest:
        return EventPlan(steps, own, {})
    runs: list[tuple[LifeEventStep | str, ProcessDefinition]] = []
    if event.process is not None:
        runs.append((WHOLE_EVENT, event.process))
    else:
        for step in steps:
            version = step.item.published
            if takes_applications(version) and version.process is not None:
                runs.append((step, version.process))
    reached = departments_reached([process for _, process in runs])
    within: dict[int, LifeEventStep | str] = {}
    for step in rest:
        for handler, process in runs:
            if reaches(step.item.department, reached.get(process.pk, [])):
                within[step.pk] = handler
                break
    return EventPlan(steps, own, within)


@dataclass(frozen=True)
class Covering:
    """A life event whose one application handles an item that takes none of its own:
    within ``step``'s application, or within the event's process of the whole (None)."""

    event: LifeEvent
    step: LifeEventStep | None


def covering(item: ServiceItem) -> list[Covering]:
    """Where ``item``, taking no application of its own, is handled all the same: each
    life event it is a step of whose plan handles it within another application (its
    guide points there instead of only to a window). A query for the events and the
    plans' own (``plan``)."""
    found = []
    for event in life_events().filter(steps__item=item).distinct().order_by("code"):
        event_plan = plan(event)
        for step in event_plan.steps:
            handler = event_plan.within.get(step.pk) if step.item_id == item.pk else None
            if isinstance(handler, LifeEventStep):
                found.append(Covering(event, handler))
            elif handler == WHOLE_EVENT:
                found.append(Covering(event, None))
    return found
