"""What people hear when the sweep announces a clock or a process escalates a task
(``alerts.py``): who, which kind, under which dedupe key, by which channels.

A passport case accepted on Monday 2026-03-02 at 12:00. Its review (5 working days) is
yellow from Fri 03-06 00:00 and red from Tue 03-10 00:00; its timers remind at the
close of Fri 03-06, go to the lead at the close of Mon 03-09 and to the supervisor at
the close of Wed 03-11. The case's clock (promised 7 working days) is yellow from
Tue 03-10 00:00 and red from Thu 03-12 00:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.conftest import make_user
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role
from onewindow.notifications.models import Notification, OutboxMessage
from onewindow.workflow import services as workflow_services
from onewindow.workflow import sweep
from onewindow.workflow.models import Escalation, WorkTask

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 0) -> datetime:
    year, month, dom = (int(part) for part in day.split("-"))
    return datetime(year, month, dom, hour, tzinfo=SHANGHAI)


Heard = tuple[str, str, str, str]  # recipient, kind, dedupe key, channel


def heard() -> set[Heard]:
    found = {
        (n.recipient.username, n.kind, n.dedupe_key, "inapp")
        for n in Notification.objects.select_related("recipient")
    }
    found |= {
        (m.recipient.username, "", m.dedupe_key, m.channel)
        for m in OutboxMessage.objects.select_related("recipient")
    }
    return found


def sweep_at(moment: datetime) -> set[Heard]:
    """What the sweep at ``moment`` made people hear."""
    before = heard()
    with time_machine.travel(moment, tick=False):
        sweep.sweep()
    return heard() - before


def everywhere(user: str, kind: str, key: str, *, sms: bool = False) -> set[Heard]:
    channels = {"email", "sms"} if sms else {"email"}
    return {(user, kind, key, "inapp")} | {(user, "", key, channel) for channel in channels}


@pytest.fixture
def accepted(world: dict[str, User]) -> tuple[Case, WorkTask]:
    with time_machine.travel(at("2026-03-02", 9), tick=False):
        case = submit(world["citizen.wang"], PASSPORT)
    window = world["ga.window"]
    task = open_task(case, "Task_accept")
    with time_machine.travel(at("2026-03-02", 12), tick=False):
        workflow_services.claim_task(actor=window, task_id=task.pk)
        services.decide_task(actor=window, task_id=task.pk, outcome="accept")
    case.refresh_from_db()
    Notification.objects.all().delete()  # what the submission and acceptance told
    OutboxMessage.objects.all().delete()
    return case, open_task(case, "Task_review")


def test_the_holders_the_lead_the_supervisor_and_the_applicant_hear_once_each(
    accepted: tuple[Case, WorkTask],
) -> None:
    case, review = accepted
    assert review.clock is not None and case.clock is not None
    task_clock, case_clock = review.clock, case.clock
    # Keys carry the deadline as the sweep computed it, in local time.
    task_due, case_due = at("2026-03-10"), at("2026-03-12")
    assert (task_clock.due_at, case_clock.due_at) == (task_due, case_due)
    assert sweep_at(at("2026-03-05", 23)) == set()
    assert sweep_at(at("2026-03-06")) == everywhere(
        "ga.review", "task_warning", f"clock:{task_clock.pk}:warning:{task_due.isoformat()}"
    )
    [reminder] = sweep_at(at("2026-03-07")) & {h for h in heard() if h[3] == "inapp"}
    assert reminder[:2] == ("ga.review", "task_reminder")
    assert reminder[2].startswith("escalation:")
    assert sweep_at(at("2026-03-09", 23)) == set()
    tuesday = sweep_at(at("2026-03-10"))
    lead = {h for h in tuesday if h[0] == "ga.lead"}
    assert {(h[1], h[3]) for h in lead} == {("task_escalated", "inapp"), ("", "email")}
    assert tuesday - lead == everywhere(
        "ga.review", "task_overdue", f"clock:{task_clock.pk}:overdue:{task_due.isoformat()}"
    ) | everywhere(
        "ga.review", "task_warning", f"clock:{case_clock.pk}:warning:{case_due.isoformat()}"
    )
    thursday = sweep_at(at("2026-03-12"))
    supervisor = {h for h in thursday if h[0] == "supervisor"}
    assert {(h[1], h[3]) for h in supervisor} == {("task_escalated", "inapp"), ("", "email")}
    case_key = f"clock:{case_clock.pk}:overdue:{case_due.isoformat()}"
    assert thursday - supervisor == everywhere("ga.review", "task_overdue", case_key) | everywhere(
        "citizen.wang", "case_overdue", case_key, sms=True
    )
    assert sweep_at(at("2026-03-30")) == set()
    mine = Notification.objects.filter(recipient__username="citizen.wang").get()
    assert (mine.case_number, mine.link) == (case.number, f"/cases/{case.number}/")
    assert case.number in mine.subject
    officers = Notification.objects.exclude(recipient__username="citizen.wang")
    assert {n.link for n in officers} == {f"/cases/tasks/{review.pk}/"}
    assert {n.case_number for n in officers} == {case.number}


def test_the_claimant_alone_hears_about_a_claimed_task(
    accepted: tuple[Case, WorkTask],
) -> None:
    _case, review = accepted
    colleague = make_user(
        username="ga.review2",
        roles=[(Role.REVIEWING_OFFICER, Department.objects.get(code="310000-GA"))],
        email="ga.review2@example.invalid",
    )
    friday = sweep_at(at("2026-03-06"))
    assert {(h[0], h[1]) for h in friday if h[3] == "inapp"} == {
        ("ga.review", "task_warning"),
        ("ga.review2", "task_warning"),
    }
    with time_machine.travel(at("2026-03-09", 9), tick=False):
        workflow_services.claim_task(actor=colleague, task_id=review.pk)
    tuesday = sweep_at(at("2026-03-10"))
    # The reminder missed on Saturday, the review's overdue alert and the case's warning
    # go to the claimant only.
    assert {(h[0], h[1]) for h in tuesday if h[3] == "inapp" and h[0] != "ga.lead"} == {
        ("ga.review2", "task_reminder"),
        ("ga.review2", "task_overdue"),
        ("ga.review2", "task_warning"),
    }


# --- digests ----------------------------------------------------------------------------


@pytest.fixture
def three_reviews(world: dict[str, User]) -> list[Case]:
    """Three passport cases accepted on Monday 2026-03-02: their reviews turn yellow
    together on Friday 03-06, in ga.review's inbox (unclaimed)."""
    window = world["ga.window"]
    cases = []
    for _ in range(3):
        with time_machine.travel(at("2026-03-02", 9), tick=False):
            case = submit(world["citizen.wang"], PASSPORT)
        task = open_task(case, "Task_accept")
        with time_machine.travel(at("2026-03-02", 12), tick=False):
            workflow_services.claim_task(actor=window, task_id=task.pk)
            services.decide_task(actor=window, task_id=task.pk, outcome="accept")
        cases.append(case)
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()
    return cases


def test_an_officer_with_several_alerts_hears_once_with_a_digest(
    three_reviews: list[Case],
) -> None:
    friday = sweep_at(at("2026-03-06"))
    assert {(h[0], h[1], h[3]) for h in friday} == {
        ("ga.review", "tasks_due_soon", "inapp"),
        ("ga.review", "", "email"),
    }
    digest = Notification.objects.get(kind="tasks_due_soon")
    assert digest.link == "/cases/inbox/?deadline=due_soon"
    assert digest.case_number == ""
    assert "3" in digest.subject
    for case in three_reviews:
        assert case.number in digest.body
    [email] = OutboxMessage.objects.all()
    # The email is the message with the email's footer below it.
    assert email.dedupe_key == digest.dedupe_key and email.body.startswith(digest.body)
    # Red on Tuesday: one more digest; each clock was announced once at each level.
    tuesday = sweep_at(at("2026-03-10"))
    inapp = {(h[0], h[1]) for h in tuesday if h[3] == "inapp"}
    assert ("ga.review", "tasks_overdue") in inapp
    assert ("ga.review", "task_overdue") not in inapp
    assert sweep_at(at("2026-03-10", 0)) == set()


def test_a_digest_speaks_the_officers_language(three_reviews: list[Case]) -> None:
    User.objects.filter(username="ga.review").update(preferred_language="en")
    sweep_at(at("2026-03-06"))
    digest = Notification.objects.get(kind="tasks_due_soon")
    assert digest.subject == "3 tasks in your inbox are due soon"
    assert "Cases: " in digest.body
    User.objects.filter(username="ga.review").update(preferred_language="zh-hans")
    sweep_at(at("2026-03-10"))
    overdue = Notification.objects.get(kind="tasks_overdue")
    assert overdue.subject == "待办中 3 件任务已超期"


def test_a_failed_announcement_is_made_by_the_next_sweep(
    three_reviews: list[Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    from onewindow.cases import announcements

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("mail database full")

    monkeypatch.setattr(announcements, "_notices", fail)
    with pytest.raises(RuntimeError), time_machine.travel(at("2026-03-06"), tick=False):
        sweep.sweep()
    # The levels moved and were audited in their own transactions; the word is owed.
    clocks = [open_task(case, "Task_review").clock for case in three_reviews]
    assert {(c.alert_level, c.announce_pending) for c in clocks if c} == {(1, True)}
    assert heard() == set()
    monkeypatch.undo()
    later = sweep_at(at("2026-03-06") + timedelta(minutes=1))
    assert {(h[0], h[1]) for h in later if h[3] == "inapp"} == {("ga.review", "tasks_due_soon")}
    clocks = [open_task(case, "Task_review").clock for case in three_reviews]
    assert {c.announce_pending for c in clocks if c} == {False}


def test_reminders_and_escalations_of_several_tasks_come_as_one_digest_each(
    three_reviews: list[Case],
) -> None:
    sweep_at(at("2026-03-06"))
    saturday = sweep_at(at("2026-03-07"))  # the reviews' P4D reminders, at once
    assert {(h[0], h[1]) for h in saturday if h[3] == "inapp"} == {("ga.review", "tasks_reminded")}
    reminded = Notification.objects.get(kind="tasks_reminded")
    assert (reminded.link, reminded.subject) == (
        "/cases/inbox/?deadline=due_soon",
        "提醒：3 件任务等待您办理",
    )
    # P5D: to the lead; the reviews turn red and their cases' limits yellow.
    tuesday = sweep_at(at("2026-03-10"))
    assert {(h[0], h[1]) for h in tuesday if h[3] == "inapp"} == {
        ("ga.lead", "tasks_escalated"),
        ("ga.review", "tasks_overdue"),
        ("ga.review", "tasks_due_soon"),
    }
    escalated = Notification.objects.get(kind="tasks_escalated")
    assert escalated.link == "/supervision/time-limits/"
    assert all(case.number in escalated.body for case in three_reviews)
    # Each escalation is told once: the flags are cleared with the notices written.
    assert not Escalation.objects.filter(announce_pending=True).exists()
    assert Escalation.objects.filter(level="department_lead").count() == 3


def test_an_alert_of_the_cases_limit_says_so_not_the_steps(
    accepted: tuple[Case, WorkTask],
) -> None:
    """A task can hear of two limits, its own and its case's, due on different days:
    each notice says which one it is."""
    case, review = accepted
    assert review.clock is not None and case.clock is not None
    for moment in (at("2026-03-06"), at("2026-03-10"), at("2026-03-12")):
        sweep_at(moment)
    english = {
        n.dedupe_key: n.text_in("en")[1]
        for n in Notification.objects.filter(recipient__username="ga.review", kind="task_overdue")
    }
    step = english[f"clock:{review.clock.pk}:overdue:{at('2026-03-10').isoformat()}"]
    whole = english[f"clock:{case.clock.pk}:overdue:{at('2026-03-12').isoformat()}"]
    assert step.startswith(f"The task “Review” of case {case.number} in Shanghai Municipal")
    assert whole.startswith(f"Case {case.number} was due to be completed by")
    assert "is still open" in whole
    # Their subjects differ too: a list or an inbox of two alike said nothing of which.
    subjects = {
        n.dedupe_key: n.text_in("en")[0]
        for n in Notification.objects.filter(recipient__username="ga.review", kind="task_overdue")
    }
    assert subjects[f"clock:{review.clock.pk}:overdue:{at('2026-03-10').isoformat()}"] == (
        f"Overdue: step “Review” of case {case.number}"
    )
    assert subjects[f"clock:{case.clock.pk}:overdue:{at('2026-03-12').isoformat()}"] == (
        f"Overdue: case {case.number}"
    )
