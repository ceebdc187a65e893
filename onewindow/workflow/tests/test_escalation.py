"""Reminders and escalation driven by the passport process's timers (``functions.py``),
with a controllable clock: time-machine for the steps, ``sweep`` at each moment.

The review (5 working days) starts on Monday 2026-03-02 at 12:00. Its boundary timers
count on the task's clock: P4D ends at the close of Fri 03-06 (a reminder), P5D at the
close of Mon 03-09, the deadline (the department lead), P7D at the close of Wed 03-11
(the supervisor over the department). Dates by hand: see ``timing``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
import time_machine

from onewindow.audit.models import AuditEvent
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role
from onewindow.workflow import limits, services, sweep
from onewindow.workflow.models import Escalation, ProcessInstance, ProcessTimer, WorkTask
from onewindow.workflow.tests.conftest import open_tasks, upload
from onewindow.workflow.tests.timing import at

Officer = Callable[..., User]
REMIND, LEAD, SUPERVISOR = "Timer_review_remind", "Timer_review_lead", "Timer_review_supervisor"


@dataclass
class Passport:
    instance: ProcessInstance
    review: WorkTask
    reviewers: list[User]
    lead: User
    supervisor: User


@pytest.fixture
def passport(city: dict[str, Department], officer: Officer) -> Passport:
    # Who must hear nothing: the window (another lane), another bureau's lead.
    window = officer("GA", Role.WINDOW_OFFICER)
    officer("MZ", Role.DEPARTMENT_LEAD)
    with time_machine.travel(at("2026-03-02", 9), tick=False):
        instance = services.start_instance(
            definition=upload("passport", "single_department.bpmn"), data={}, actor=None
        )
    accept = open_tasks(instance)["Task_accept"]
    with time_machine.travel(at("2026-03-02", 12), tick=False):
        services.complete_task(actor=window, task_id=accept.pk, outcome="accept")
    return Passport(
        instance=instance,
        review=open_tasks(instance)["Task_review"],
        reviewers=[officer("GA"), officer("GA")],
        lead=officer("GA", Role.DEPARTMENT_LEAD),
        supervisor=officer("root", Role.SUPERVISOR),
    )


def sweep_at(moment: datetime) -> sweep.SweepReport:
    with time_machine.travel(moment, tick=False):
        return sweep.sweep()


def escalations(task: WorkTask) -> list[tuple[str, list[str], str, str]]:
    """(level, recipients, skipped, the timer's BPMN id) in order."""
    return [
        (
            e.level,
            sorted(u.username for u in e.recipients.all()),
            e.skipped,
            e.timer.bpmn_id if e.timer else "",
        )
        for e in Escalation.objects.filter(task=task).order_by("at", "pk")
    ]


def names(*users: User) -> list[str]:
    return sorted(u.username for u in users)


def timer(instance: ProcessInstance, bpmn_id: str) -> ProcessTimer:
    return ProcessTimer.objects.get(instance=instance, bpmn_id=bpmn_id)


def escalation_audit() -> list[dict[str, object]]:
    """The escalations' audit details, recipients by name (they are recorded in id order,
    and "user11" sorts before "user9")."""
    return [
        {**e.detail, "recipients": sorted(e.detail["recipients"])}
        for e in AuditEvent.objects.filter(action="workflow.task_escalated").order_by("seq")
    ]


def test_day_4_reminds_the_reviewers_day_5_the_lead_day_7_the_supervisor(
    passport: Passport,
) -> None:
    review, instance = passport.review, passport.instance
    assert sweep_at(at("2026-03-06", 23, 59)).timers_fired == 0
    assert escalations(review) == []

    assert sweep_at(at("2026-03-07")).timers_fired == 1
    # Nobody has claimed the review: the reviewing officers of the bureau hear of it.
    assert escalations(review) == [("reminder", names(*passport.reviewers), "", REMIND)]
    assert (timer(instance, REMIND).status, timer(instance, REMIND).fired_at) == (
        "fired",
        at("2026-03-07"),
    )
    assert sweep_at(at("2026-03-09", 23, 59)).timers_fired == 0

    report = sweep_at(at("2026-03-10"))
    assert (report.timers_fired, report.overdue) == (1, 1)
    assert escalations(review)[1:] == [("department_lead", names(passport.lead), "", LEAD)]
    assert sweep_at(at("2026-03-11", 23, 59)).timers_fired == 0

    assert sweep_at(at("2026-03-12")).timers_fired == 1
    assert escalations(review)[2:] == [("supervisor", names(passport.supervisor), "", SUPERVISOR)]

    # Once each, however often the sweep runs afterwards.
    assert sweep_at(at("2026-03-20")) == sweep.SweepReport()
    assert len(escalations(review)) == 3
    assert {t.status for t in ProcessTimer.objects.filter(instance=instance)} == {"fired"}
    assert escalation_audit() == [
        {"level": "reminder", "recipients": names(*passport.reviewers), "skipped": ""},
        {"level": "department_lead", "recipients": names(passport.lead), "skipped": ""},
        {"level": "supervisor", "recipients": names(passport.supervisor), "skipped": ""},
    ]
    fired = AuditEvent.objects.filter(action="workflow.timer_fired").order_by("seq")
    assert [e.detail["timer"] for e in fired] == [REMIND, LEAD, SUPERVISOR]
    # The review is still open: the timers are non-interrupting.
    review.refresh_from_db()
    assert review.status == "ready"


def test_the_reminder_goes_to_the_reviewer_holding_the_task(passport: Passport) -> None:
    reviewer = passport.reviewers[1]
    with time_machine.travel(at("2026-03-03", 9), tick=False):
        services.claim_task(actor=reviewer, task_id=passport.review.pk)
    sweep_at(at("2026-03-07"))
    assert escalations(passport.review) == [("reminder", names(reviewer), "", REMIND)]


def test_an_extension_before_day_5_skips_the_escalations_as_not_overdue(
    passport: Passport,
) -> None:
    review = passport.review
    sweep_at(at("2026-03-07"))  # the reminder
    with time_machine.travel(at("2026-03-09", 10), tick=False):
        limits.extend_task(actor=passport.lead, task_id=review.pk, days=3)
    review.refresh_from_db()
    assert review.clock is not None
    assert review.clock.due_at == at("2026-03-13")  # Tue 10, Wed 11, Thu 12
    report = sweep_at(at("2026-03-10"))
    assert (report.timers_fired, report.overdue) == (1, 0)
    assert sweep_at(at("2026-03-12")).timers_fired == 1
    assert escalations(review)[1:] == [
        ("department_lead", [], "not overdue", LEAD),
        ("supervisor", [], "not overdue", SUPERVISOR),
    ]
    assert [d["skipped"] for d in escalation_audit()] == ["", "not overdue", "not overdue"]
    assert {t.status for t in ProcessTimer.objects.filter(instance=passport.instance)} == {"fired"}


def test_a_task_awaiting_a_supplement_does_not_escalate_and_resumes_after_it(
    passport: Passport,
) -> None:
    review, reviewer = passport.review, passport.reviewers[0]
    with time_machine.travel(at("2026-03-05", 10), tick=False):  # Tue, Wed, Thu used
        limits.suspend_task(actor=reviewer, task_id=review.pk)
    for day in ("2026-03-07", "2026-03-10", "2026-03-12", "2026-03-30"):
        assert sweep_at(at(day)) == sweep.SweepReport()
    assert escalations(review) == []
    with time_machine.travel(at("2026-03-11", 9), tick=False):
        limits.resume_task(actor=reviewer, task_id=review.pk)
    # Wed 03-11 is day 0 again, with 3 of the 5 days used: day 4 is Thu 12, day 5 Fri 13,
    # day 7 Tue 17.
    due = {t.bpmn_id: t.due_at for t in ProcessTimer.objects.filter(instance=passport.instance)}
    assert due == {REMIND: at("2026-03-13"), LEAD: at("2026-03-14"), SUPERVISOR: at("2026-03-18")}
    assert sweep_at(at("2026-03-12", 23, 59)).timers_fired == 0
    assert sweep_at(at("2026-03-13")).timers_fired == 1
    assert sweep_at(at("2026-03-14")).timers_fired == 1
    assert sweep_at(at("2026-03-18")).timers_fired == 1
    assert [(level, who) for level, who, _skipped, _timer in escalations(review)] == [
        ("reminder", names(*passport.reviewers)),
        ("department_lead", names(passport.lead)),
        ("supervisor", names(passport.supervisor)),
    ]
