"""Who held a case, and for how long in working days (cases/accountability.py).

A working day counts 24 hours; other days count nothing. Around Qingming 2026:
Fri 04-03 works; Sat 04-04, Sun 04-05 and Mon 04-06 (the holiday) do not; Tue 04-07
onwards work; Sat 04-11 and Sun 04-12 do not.
"""

import pytest

from onewindow.cases import accountability, supplements
from onewindow.cases.choices import CaseStatus
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.timekit import at, clock_of, decide, midnight, travel, upload
from onewindow.conftest import make_user
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import HolderKind

HOUR = 1 / 24


@pytest.fixture
def colleague(world):
    return make_user(
        username="ga.review2",
        roles=[(Role.REVIEWING_OFFICER, Department.objects.get(code="310000-GA"))],
    )


@pytest.fixture
def walked(world, colleague):
    """A passport case handed from inbox to officer to inbox to another officer to the
    applicant and back, over a weekend and the Qingming holiday."""
    wang, window, review = world["citizen.wang"], world["ga.window"], world["ga.review"]
    with travel(at("2026-04-03", 9)):
        case = submit(wang, PASSPORT)
    accept = open_task(case, "Task_accept")
    with travel(at("2026-04-03", 10)):
        workflow_services.claim_task(actor=window, task_id=accept.pk)
    with travel(at("2026-04-03", 11)):
        decide(window, accept, "accept", claim=False)
    task = open_task(case, "Task_review")
    with travel(at("2026-04-03", 17)):
        workflow_services.claim_task(actor=review, task_id=task.pk)
    with travel(at("2026-04-07", 9)):
        workflow_services.release_task(actor=review, task_id=task.pk)
    with travel(at("2026-04-07", 15)):
        workflow_services.claim_task(actor=colleague, task_id=task.pk)
    with travel(at("2026-04-08", 10)):
        supplements.request_supplement(
            actor=colleague, task_id=task.pk, items=[{"slot": "photo", "reason": "模糊"}]
        )
    photo = upload(wang)
    with travel(at("2026-04-10", 16)):
        supplements.resupply(applicant=wang, number=case.number, attachments={"photo": photo.pk})
    return case, task


def test_each_holding_in_working_days(world, colleague, walked):
    case, task = walked
    with travel(at("2026-04-13", 11)):
        decide(colleague, task, "approve", claim=False)
    rows = accountability.holdings(case, at("2026-04-20"))
    got = [
        (row.step, row.kind, row.officer, row.department.code, round(row.working_days, 4))
        for row in rows
    ]
    assert got == [
        # Fri 09:00 → 10:00 in 公安's inbox: 1 h.
        ("窗口受理", HolderKind.QUEUE, "", "310000-GA", round(HOUR, 4)),  # 0.0417
        # Fri 10:00 → 11:00 with 张伟 (ga.window), who accepts: 1 h.
        ("窗口受理", HolderKind.OFFICER, "张伟", "310000-GA", round(HOUR, 4)),
        # Fri 11:00 → 17:00 in the inbox: 6 h = 0.25.
        ("审核", HolderKind.QUEUE, "", "310000-GA", 0.25),
        # Fri 17:00 → Tue 09:00 with 刘洋 (ga.review): Fri 7 h + Sat, Sun, Mon (Qingming)
        # nothing + Tue 9 h = 16 h = 0.6667.
        ("审核", HolderKind.OFFICER, "刘洋", "310000-GA", 0.6667),
        # Tue 09:00 → 15:00 back in the inbox: 6 h = 0.25.
        ("审核", HolderKind.QUEUE, "", "310000-GA", 0.25),
        # Tue 15:00 → Wed 10:00 with the colleague: 9 h + 10 h = 19 h = 0.7917.
        ("审核", HolderKind.OFFICER, "测试ga.review2", "310000-GA", 0.7917),
        # Wed 10:00 → Fri 16:00 with the applicant: 14 h + 24 h + 16 h = 54 h = 2.25.
        ("审核", HolderKind.APPLICANT, "", "310000-GA", 2.25),
        # Fri 16:00 → Mon 11:00 with the colleague again: 8 h + weekend 0 + 11 h = 0.7917.
        ("审核", HolderKind.OFFICER, "测试ga.review2", "310000-GA", 0.7917),
    ]
    assert all(row.ended_at is not None and not row.current for row in rows)
    assert [row.task_id for row in rows[2:]] == [task.pk] * 6
    # Meanwhile the case's clock (day 0 Fri 04-03) banked 04-07 and 04-08, resumed on
    # Fri 04-10 and stopped on Mon 04-13, its 3rd working day of 7: on time.
    clock = clock_of(case)
    assert (clock.used_days, clock.late) == (3, False)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_shares_total_each_holder_and_the_applicants_time_is_not_the_administrations(
    world, colleague, walked
):
    case, task = walked
    with travel(at("2026-04-13", 11)):
        decide(colleague, task, "approve", claim=False)
    shares = accountability.shares(accountability.holdings(case, at("2026-04-20")))
    got = [(s.kind, s.officer, round(s.working_days, 4)) for s in shares]
    assert got == [
        (HolderKind.APPLICANT, "", 2.25),
        # 19 h + 19 h.
        (HolderKind.OFFICER, "测试ga.review2", 1.5833),
        (HolderKind.OFFICER, "刘洋", 0.6667),
        # 1 h + 6 h + 6 h = 13 h.
        (HolderKind.QUEUE, "", 0.5417),
        (HolderKind.OFFICER, "张伟", 0.0417),
    ]
    assert {s.department.code for s in shares} == {"310000-GA"}
    where = accountability.where_time_went(accountability.holdings(case, at("2026-04-20")))
    assert (where.kind, where.officer, round(where.working_days, 4)) == (
        HolderKind.OFFICER,
        "测试ga.review2",
        1.5833,
    )


def test_the_current_holding_runs_until_now(world, colleague, walked):
    case, _task = walked
    rows = accountability.holdings(case, at("2026-04-13", 9))
    current = rows[-1]
    assert current.current and current.ended_at is None
    # Fri 16:00 → Mon 09:00: 8 h + 9 h = 17 h.
    assert round(current.working_days, 4) == round(17 * HOUR, 4)
    # The clock resumed on Fri 04-10: 5 days left (04-13..17), due the close of 04-17.
    assert clock_of(case).due_at == midnight("2026-04-18")


def test_a_span_the_calendar_cannot_measure_is_none_not_an_error(world, walked):
    case, _task = walked
    rows = accountability.holdings(case, at("2027-01-05", 9))  # 2027 is not configured
    assert rows[-1].working_days is None
    assert rows[0].working_days is not None
    share = accountability.where_time_went(rows)
    assert share is not None and share.working_days > 0


def test_where_time_went_is_none_while_only_the_applicant_held_it():
    only = accountability.Holding(
        step="审核",
        task_id=1,
        department=None,
        kind=HolderKind.APPLICANT,
        officer="",
        started_at=at("2026-03-02"),
        ended_at=at("2026-03-03"),
        working_days=1.0,
    )
    assert accountability.where_time_went([only]) is None
    assert accountability.where_time_went([]) is None


def test_where_time_went_is_none_while_no_working_time_has_passed():
    just_filed = accountability.Holding(
        step="受理",
        task_id=1,
        department=None,
        kind=HolderKind.QUEUE,
        officer="",
        started_at=at("2026-03-07"),  # a Saturday
        ended_at=None,
        working_days=0.0,
    )
    assert accountability.where_time_went([just_filed]) is None


def test_a_life_events_holdings_cover_every_items_steps(world):
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    with travel(at("2026-03-02", 16)):
        decide(world["wj.review"], open_task(parent, "Task_birth_certificate"), "complete")
    rows = accountability.holdings(parent, at("2026-03-03", 10))
    assert [(r.step, r.kind, r.department.code) for r in rows] == [
        ("出生医学证明", HolderKind.QUEUE, "310000-WJ"),
        ("出生医学证明", HolderKind.OFFICER, "310000-WJ"),
        ("户口登记", HolderKind.QUEUE, "310000-GA"),
    ]
    # The hukou step has waited in 公安's inbox Mon 16:00 → Tue 10:00: 8 h + 10 h.
    assert round(rows[-1].working_days, 4) == round(18 * HOUR, 4)
    # An item's own page shows the same run.
    child = parent.children.get(service_code="310000-GA-QR-0001")
    assert len(accountability.holdings(child, at("2026-03-03", 10))) == 3
