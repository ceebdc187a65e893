"""The demo city (from the cases tests) and a set of cases late in different ways, as
the supervisors see them on Tue 2026-03-10 09:00."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.cases import supplements
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import (  # noqa: F401
    ADOPTION,
    open_task,
    submit,
    world,
    world_snapshot,
)
from onewindow.cases.tests.timekit import accepted_passport, at, decide, travel
from onewindow.core import testing
from onewindow.identity.models import User
from onewindow.workflow import services as workflow_services
from onewindow.workflow.models import Clock

NOW = at("2026-03-10", 9)


@pytest.fixture(scope="session")
def late_snapshot(
    django_db_setup: None,
    django_db_blocker: Any,
    world_snapshot: testing.Snapshot,  # noqa: F811
) -> tuple[testing.Snapshot, dict[str, int]]:
    # Built once per test process on top of the world, then written back for each test:
    # the five cases' submissions and decisions took half a second a test on PostgreSQL.
    built: dict[str, Case] = {}

    def build() -> None:
        built.update(_build_late({user.username: user for user in User.objects.all()}))

    with django_db_blocker.unblock():
        snapshot = testing.capture(build, on=world_snapshot)
    return snapshot, {name: case.pk for name, case in built.items()}


@pytest.fixture
def late(
    world: dict[str, User],  # noqa: F811
    late_snapshot: tuple[testing.Snapshot, dict[str, int]],
) -> dict[str, Case]:
    """The cases of ``_build_late``, on the world."""
    snapshot, case_ids = late_snapshot
    testing.restore(snapshot)
    cases = Case.objects.in_bulk(case_ids.values())
    return {name: cases[pk] for name, pk in case_ids.items()}


def _build_late(world: dict[str, User]) -> dict[str, Case]:  # noqa: F811
    """Cases at ``NOW``:

    - ``overdue``: passport accepted Mon 03-02 10:00, its review claimed by ga.review on
      Tue 03-03 09:00. The review (5 days) ended at the close of Mon 03-09: red, 1 day
      over (6 used: 03-03..06, 09, 10). The case (7 days) is yellow.
    - ``most_overdue``: passport accepted Thu 02-26 10:00, in 公安's inbox since. The
      review ended at the close of Wed 03-04 (02-27, the working Saturday 02-28, 03-02,
      03-03, 03-04); 9 used by 03-10: 4 over. The case ended at the close of Fri 03-06.
    - ``at_risk``: passport accepted Wed 03-04 10:00: its review is yellow from 03-10
      (the 4th of 5 days), the case green.
    - ``on_time``: passport accepted Mon 03-09: green, not listed.
    - ``adoption``: 民政's case accepted Mon 03-02 10:00; its three parallel reviews
      (3 days each: 公安, 卫健, 医保) ended at the close of Thu 03-05, 3 days over,
      while the case (30 days) is green.
    """
    overdue, overdue_review = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-03", 9)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=overdue_review.pk)
    most_overdue, _review = accepted_passport(world, at("2026-02-26", 10))
    at_risk, _review = accepted_passport(world, at("2026-03-04", 10))
    on_time, _review = accepted_passport(world, at("2026-03-09", 10))
    with travel(at("2026-03-02", 10)):
        adoption = submit(world["citizen.chen"], ADOPTION)
        decide(world["mz.window"], open_task(adoption, "Task_accept"), "accept")
    return {
        "overdue": overdue,
        "most_overdue": most_overdue,
        "at_risk": at_risk,
        "on_time": on_time,
        "adoption": adoption,
    }


def ask_for_a_supplement(
    world: dict[str, User],  # noqa: F811
    case: Any,
    bpmn_id: str,
    who: str,
) -> None:
    """Mon 03-03 09:00: a step of ``case`` asks the applicant for a document, which
    stops that step's clock and the case's; a parallel step's runs on."""
    with travel(at("2026-03-03", 9)):
        supplements.request_supplement(
            actor=world[who],
            task_id=open_task(case, bpmn_id).pk,
            items=[{"material": "户口簿", "reason": "缺少户主页"}],
        )


def give_the_review_time(case: Any) -> None:
    """The passport case's review given 20 days from its start: green at ``NOW``, its
    warning and deadline weeks off; the case's own clock is left as it was."""
    review = open_task(case, "Task_review")
    assert review.clock_id is not None
    Clock.objects.filter(pk=review.clock_id).update(
        limit_days=20, warn_at=at("2026-03-25", 0), due_at=at("2026-04-01", 0)
    )
