"""Clock alerts and escalations turned into notifications (cases/alerts.py), driven by the
sweep (workflow/sweep.py) at chosen moments.

The passport case is accepted Mon 2026-03-02 10:00 (day 0).
- Its review step (5 working days): yellow from Fri 03-06 00:00 (⌈0.8 × 5⌉ = 4th day),
  red from Tue 03-10 00:00 (the close of Mon 03-09). Its timers: the reminder after 4
  working days (03-07 00:00), the lead after 5 (03-10 00:00), the supervisor after 7
  (03-12 00:00).
- The case (7 working days): yellow from Tue 03-10 00:00 (⌈5.6⌉ = 6th day), red from
  Thu 03-12 00:00 (the close of Wed 03-11).
"""

import pytest

from onewindow.audit.models import AuditEvent
from onewindow.cases import extensions, supplements
from onewindow.cases.tests.timekit import accepted_passport, at, clock_of, midnight, travel
from onewindow.conftest import make_user
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.notifications.models import Notification
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import AlertLevel
from onewindow.workflow.sweep import sweep


def sweep_at(moment):
    with travel(moment):
        return sweep(moment)


def told(kind):
    """(recipient, case number) of each notification of ``kind``, oldest first."""
    return [
        (n.recipient.username, n.case_number)
        for n in Notification.objects.filter(kind=kind).order_by("created_at", "pk")
    ]


def counts(report):
    return (report.warned, report.overdue, report.timers_fired)


@pytest.fixture
def claimed(world):
    case, review = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-03", 9)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    return case, review


def test_nothing_is_announced_before_the_warning_day(world, claimed):
    assert counts(sweep_at(at("2026-03-05", 23, 59))) == (0, 0, 0)
    assert not Notification.objects.filter(kind__startswith="task_").exists()


def test_the_step_turns_yellow_then_red_and_its_claimant_hears_each_once(world, claimed):
    case, review = claimed
    first = sweep_at(at("2026-03-06", 9))
    assert counts(first) == (1, 0, 0)
    assert told("task_warning") == [("ga.review", case.number)]
    warning = Notification.objects.get(kind="task_warning")
    assert warning.link == f"/cases/tasks/{review.pk}/"
    clock = clock_of(review)
    assert (clock.alert_level, clock.next_alert_at) == (AlertLevel.WARNED, midnight("2026-03-10"))
    assert AuditEvent.objects.filter(action="workflow.clock_warned").count() == 1
    # Once per deadline: the same sweep again, and one a minute later, say nothing.
    assert counts(sweep_at(at("2026-03-06", 9))) == (0, 0, 0)
    assert counts(sweep_at(at("2026-03-06", 9, 1))) == (0, 0, 0)
    assert len(told("task_warning")) == 1
    # Tue 03-10: the step is overdue and the case turns yellow; the reminder (due
    # 03-07) and the lead's escalation (due 03-10 00:00) fire.
    red = sweep_at(at("2026-03-10", 9))
    assert counts(red) == (1, 1, 2)
    assert told("task_overdue") == [("ga.review", case.number)]
    # The case's warning reaches the officer holding its open step.
    assert told("task_warning") == [("ga.review", case.number)] * 2
    assert told("task_reminder") == [("ga.review", case.number)]
    assert told("task_escalated") == [("ga.lead", case.number)]
    assert not told("case_overdue")
    assert clock_of(review).alert_level == AlertLevel.OVERDUE
    assert clock_of(review).next_alert_at is None
    assert counts(sweep_at(at("2026-03-10", 9))) == (0, 0, 0)


def test_the_case_turning_red_tells_the_applicant_once(world, claimed):
    case, _review = claimed
    sweep_at(at("2026-03-10", 9))
    report = sweep_at(at("2026-03-12", 8))
    # The case goes red; the supervisor's escalation (7 working days) fires.
    assert counts(report) == (0, 1, 1)
    assert told("case_overdue") == [("citizen.wang", case.number)]
    overdue = Notification.objects.get(kind="case_overdue")
    assert overdue.link == f"/cases/{case.number}/"
    assert told("task_escalated") == [("ga.lead", case.number), ("supervisor", case.number)]
    assert clock_of(case).alert_level == AlertLevel.OVERDUE
    sweep_at(at("2026-03-13", 8))
    assert len(told("case_overdue")) == 1


def test_a_sweep_after_downtime_goes_straight_to_red(world, claimed):
    case, _review = claimed
    report = sweep_at(at("2026-03-20", 9))
    # Both clocks are announced overdue without a stale warning; all three timers fire.
    assert counts(report) == (0, 2, 3)
    assert not told("task_warning")
    assert told("case_overdue") == [("citizen.wang", case.number)]
    assert len(told("task_overdue")) == 2  # the step's, and the case's to its holder


def test_an_unclaimed_step_warns_the_officers_of_its_lane(world):
    case, _review = accepted_passport(world, at("2026-03-02", 10))
    colleague = make_user(
        roles=[(Role.REVIEWING_OFFICER, Department.objects.get(code="310000-GA"))]
    )
    sweep_at(at("2026-03-06", 9))
    # 公安's reviewing officers; not its window officer (another lane), not other bureaus.
    assert sorted(told("task_warning")) == sorted(
        [("ga.review", case.number), (colleague.username, case.number)]
    )


def test_a_paused_clock_is_not_announced(world, claimed):
    _case, review = claimed
    with travel(at("2026-03-04", 11)):
        supplements.request_supplement(
            actor=world["ga.review"],
            task_id=review.pk,
            items=[{"slot": "photo", "reason": "模糊"}],
        )
    assert counts(sweep_at(at("2026-03-30", 9))) == (0, 0, 0)
    assert not Notification.objects.filter(kind__in=["task_warning", "case_overdue"]).exists()


def extend(world, review, days, moment):
    with travel(moment):
        extension = extensions.request_extension(
            actor=world["ga.review"], task_id=review.pk, days=days, reason="核实"
        )
        extensions.decide_extension(
            actor=world["ga.lead"], extension_id=extension.pk, approve=True, comment=""
        )


def test_an_extension_lets_a_new_warning_come_when_the_new_limit_draws_near(world, claimed):
    _case, review = claimed
    sweep_at(at("2026-03-06", 9))
    # +5: 10 working days; yellow from the 8th (Thu 03-12), due at the close of Mon 03-16.
    extend(world, review, 5, at("2026-03-06", 10))
    clock = clock_of(review)
    assert (clock.alert_level, clock.warn_at, clock.due_at) == (
        AlertLevel.NONE,
        midnight("2026-03-12"),
        midnight("2026-03-17"),
    )
    # The old deadline passes quietly; the lead's escalation is skipped (not overdue).
    report = sweep_at(at("2026-03-10", 9))
    assert (report.warned, report.overdue) == (0, 0)
    assert not told("task_overdue") and not told("task_escalated")
    sweep_at(at("2026-03-12", 9))
    warnings = Notification.objects.filter(kind="task_warning", recipient=world["ga.review"])
    assert warnings.count() == 2
    # Each warning is keyed by its deadline.
    assert len({n.dedupe_key for n in warnings}) == 2


def test_an_extension_after_the_warning_day_warns_no_more_but_announces_the_new_deadline(
    world, claimed
):
    case, review = claimed
    sweep_at(at("2026-03-06", 9))
    # +1 on Mon 03-09: 6 days, yellow from the 5th (03-09, passed), due the close of 03-10.
    extend(world, review, 1, at("2026-03-09", 10))
    clock = clock_of(review)
    assert (clock.alert_level, clock.next_alert_at) == (AlertLevel.WARNED, midnight("2026-03-11"))
    # The case, 8 days now, turns yellow with the step's new deadline (03-11 00:00).
    assert counts(sweep_at(at("2026-03-10", 9)))[:2] == (0, 0)
    assert counts(sweep_at(at("2026-03-11", 9)))[:2] == (1, 1)
    assert told("task_overdue") == [("ga.review", case.number)]
    assert len(told("task_warning")) == 2  # the step's (03-06) and the case's
