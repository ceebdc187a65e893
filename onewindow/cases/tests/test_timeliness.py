"""Case clocks (cases/timeliness.py): when they start, how long they run, when they stop.

Dates are checked by hand on the 2026 calendar: accepted Mon 2026-03-02 is day 0; the
working days after it are 03-03 … 03-06, 03-09 … 03-13, 03-16 …
"""

import pytest

from onewindow.cases import timeliness
from onewindow.cases.choices import CaseStatus
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.timekit import (
    accepted_passport,
    at,
    clock_of,
    decide,
    midnight,
    travel,
)
from onewindow.conftest import make_user
from onewindow.identity.roles import Role
from onewindow.workflow import clocks
from onewindow.workflow.choices import ClockState

NEWBORN_LIMITS = {
    "310000-WJ-QR-0001": 3,
    "310000-GA-QR-0001": 5,
    "310000-YB-GG-0001": 1,
    "310000-RS-GG-0001": 10,
}


def test_no_clock_before_acceptance(world):
    with travel(at("2026-03-02", 9)):
        case = submit(world["citizen.wang"], PASSPORT)
    case.refresh_from_db()
    assert case.clock is None
    assert not timeliness.accepted_without_a_step(case)


def test_the_clock_starts_at_the_first_accept_with_the_promised_limit(world):
    with travel(at("2026-03-02", 9)):
        case = submit(world["citizen.wang"], PASSPORT)
    with travel(at("2026-03-02", 10, 30)):
        decide(world["ga.window"], open_task(case, "Task_accept"), "accept")
    case.refresh_from_db()
    clock = clock_of(case)
    assert clock.limit_days == case.item_version.promised_limit_days == 7
    assert (clock.state, clock.started_at) == (ClockState.RUNNING, at("2026-03-02", 10, 30))
    # Day 0 Mon 03-02; days 1..7: 03-03, 04, 05, 06, 09, 10, 11 → the close of Wed 03-11.
    assert clock.due_at == midnight("2026-03-12")
    # Yellow from the day that uses ⌈0.8 × 7⌉ = 6 days: Tue 03-10.
    assert clock.warn_at == midnight("2026-03-10")
    assert case.status == CaseStatus.IN_PROGRESS


def test_the_limit_is_the_filed_guide_versions_not_a_later_one(world):
    from onewindow.catalog import queries as catalog_queries
    from onewindow.catalog import reviews
    from onewindow.catalog import services as catalog_services
    from onewindow.catalog.transfer import version_as_dict

    with travel(at("2026-03-02", 9)):
        case = submit(world["citizen.wang"], PASSPORT)
    filed = catalog_queries.published_version(PASSPORT)
    editor = make_user(roles=[(Role.DEPARTMENT_ADMIN, filed.item.department)])
    reviewer = make_user(roles=[(Role.DEPARTMENT_ADMIN, filed.item.department)])
    catalog_services.save_draft(
        actor=editor, data={**version_as_dict(filed), "promised_limit_days": 2}
    )
    reviews.submit_for_review(actor=editor, code=PASSPORT)
    reviews.review_version(actor=reviewer, code=PASSPORT, approve=True)
    assert catalog_queries.published_version(PASSPORT).promised_limit_days == 2
    with travel(at("2026-03-02", 10)):
        decide(world["ga.window"], open_task(case, "Task_accept"), "accept")
    assert clock_of(case).limit_days == 7


def test_a_process_without_an_acceptance_step_starts_the_event_and_its_first_item(world):
    moment = at("2026-03-02", 10)
    with travel(moment):
        parent = submit(world["citizen.wang"], "newborn")
    parent.refresh_from_db()
    children = {c.service_code: c for c in parent.children.select_related("clock").order_by("pk")}
    assert timeliness.accepted_without_a_step(parent)
    # The event and the birth certificate start at submission.
    assert clock_of(parent).started_at == moment
    first = clock_of(children["310000-WJ-QR-0001"])
    assert (first.started_at, first.limit_days) == (moment, 3)
    assert first.due_at == midnight("2026-03-06")  # 03-03, 04, 05
    # The items after it wait for it: no clock, so none is due (or late) before it.
    waiting = [code for code, child in children.items() if child.clock is None]
    assert waiting == ["310000-GA-QR-0001", "310000-YB-GG-0001", "310000-RS-GG-0001"]
    assert all(timeliness.waiting(children[code]) for code in waiting)


def test_the_event_promises_its_items_one_after_another(world):
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    # 3 + 5 + 1 + 10: the sum along the chain, not the longest item (10).
    assert timeliness.promised_limit(parent) == sum(NEWBORN_LIMITS.values()) == 19
    assert clock_of(parent).limit_days == 19
    # 19 working days after Mon 03-02: 03-03..06, 09..13, 16..20, 23..27.
    assert clock_of(parent).due_at == midnight("2026-03-28")


def test_the_event_page_promises_what_the_filed_event_does(world, client):
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    page = client.get("/services/events/newborn/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["total_days"] == timeliness.promised_limit(parent) == 19


def test_each_item_counts_from_when_its_step_comes(world):
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    children = {c.service_code: c for c in parent.children.all()}
    steps = [
        ("Task_birth_certificate", "wj.review", at("2026-03-03", 10), "310000-GA-QR-0001"),
        ("Task_hukou", "ga.window", at("2026-03-06", 15), "310000-YB-GG-0001"),
        ("Task_insurance", "rs.review", at("2026-03-09", 9), "310000-RS-GG-0001"),
    ]
    for bpmn_id, username, moment, following in steps:
        with travel(moment):
            decide(world[username], open_task(parent, bpmn_id), "complete")
        done = clock_of(children[parent_item(bpmn_id)])
        started = clock_of(children[following])
        # The next item's limit counts from its step, which begins as this one ends.
        assert started.started_at == done.stopped_at == moment
        assert started.limit_days == NEWBORN_LIMITS[following]
        assert started.due_at > done.stopped_at
    # Medical insurance (1 day) began Fri 03-06 15:00: due at the close of Mon 03-09,
    # after the household registration it needs (done 03-06), never before it.
    insurance = clock_of(children["310000-YB-GG-0001"])
    assert (insurance.state, insurance.late) == (ClockState.STOPPED, False)
    card = clock_of(children["310000-RS-GG-0001"])
    assert card.state == ClockState.RUNNING
    assert card.due_at == midnight("2026-03-24")  # 10 days: 03-10..13, 16..20, 23


def parent_item(bpmn_id: str) -> str:
    return {
        "Task_birth_certificate": "310000-WJ-QR-0001",
        "Task_hukou": "310000-GA-QR-0001",
        "Task_insurance": "310000-YB-GG-0001",
        "Task_social_card": "310000-RS-GG-0001",
    }[bpmn_id]


def test_each_step_is_due_when_its_item_is(world):
    """The officer's step has the item's promised limit: the task and the item it stands
    for are due on the same day."""
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    children = {c.service_code: c for c in parent.children.all()}
    officers = {
        "Task_birth_certificate": "wj.review",
        "Task_hukou": "ga.window",
        "Task_insurance": "rs.review",
        "Task_social_card": "rs.window",
    }
    days = ["03-03", "03-04", "03-05", "03-06"]
    for day, (bpmn_id, username) in zip(days, officers.items(), strict=True):
        task = open_task(parent, bpmn_id)
        item = clock_of(children[parent_item(bpmn_id)])
        step = clock_of(task)
        assert step.limit_days == item.limit_days == NEWBORN_LIMITS[parent_item(bpmn_id)]
        assert (step.started_at, step.due_at) == (item.started_at, item.due_at)
        with travel(at(f"2026-{day}", 10)):
            decide(world[username], task, "complete")


def test_the_event_files_every_step_it_lists(world):
    from onewindow.catalog import queries as catalog_queries

    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    listed = [step.item.code for step in catalog_queries.life_event("newborn").steps.all()]
    filed = list(parent.children.order_by("pk").values_list("service_code", flat=True))
    # The page's one application is the whole event: nothing listed is left unfiled.
    assert listed == filed == list(NEWBORN_LIMITS)


def test_moving_together_is_the_case_its_run_and_its_parent(world):
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
        passport = submit(world["citizen.wang"], PASSPORT)
    children = list(parent.children.order_by("pk"))
    expected = sorted([parent.pk, *(c.pk for c in children)])
    assert [c.pk for c in timeliness.moving_together(children[1])] == expected
    assert [c.pk for c in timeliness.moving_together(parent)] == expected
    assert [c.pk for c in timeliness.moving_together(passport)] == [passport.pk]


@pytest.mark.parametrize(
    ("decided", "late", "used"),
    [
        (at("2026-03-11", 23, 59), False, 7),  # the last minute of the 7th working day
        (at("2026-03-12", 0), True, 8),  # the limit ended at midnight
        (at("2026-03-13", 9), True, 9),
    ],
)
def test_the_clock_stops_at_the_final_status_late_or_on_time(world, decided, late, used):
    case, review = accepted_passport(world, at("2026-03-02", 10))
    with travel(decided):
        decide(world["ga.review"], review, "approve")
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    clock = clock_of(case)
    assert (clock.state, clock.stopped_at, clock.late) == (ClockState.STOPPED, decided, late)
    assert clock.used_days == used
    assert (clock.due_at, clock.next_alert_at) == (None, None)
    reading = clocks.reading(clock, at("2026-04-01"))
    assert reading.colour == ("late" if late else "on_time")
    assert reading.used_days == used


def test_a_rejection_stops_the_clock_too(world):
    case, review = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-04", 15)):
        decide(world["ga.review"], review, "reject")
    clock = clock_of(case)
    assert (clock.state, clock.late, clock.used_days) == (ClockState.STOPPED, False, 2)


def test_not_accepted_stops_the_step_clock_and_never_starts_the_case_clock(world):
    with travel(at("2026-03-02", 9)):
        case = submit(world["citizen.wang"], PASSPORT)
        accept_task = open_task(case, "Task_accept")
    assert clock_of(accept_task).state == ClockState.RUNNING
    with travel(at("2026-03-03", 11)):
        decide(world["ga.window"], accept_task, "not_accepted")
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_ACCEPTED
    assert case.clock is None
    step = clock_of(accept_task)
    assert (step.state, step.late, step.used_days) == (ClockState.STOPPED, False, 1)
    # A closed case gets no clock afterwards.
    assert timeliness.start([case], at("2026-03-03", 12)) == []
    assert Case.objects.get(pk=case.pk).clock is None


def test_each_item_of_a_life_event_stops_with_its_step_and_the_parent_with_the_last(world):
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    children = {c.service_code: c for c in parent.children.all()}
    steps = [
        ("Task_birth_certificate", world["wj.review"], at("2026-03-03", 10)),
        ("Task_hukou", world["ga.window"], at("2026-03-04", 10)),
        # The medical insurance item's 1 working day, from 03-04, ends at the close of
        # 03-05: late on 03-06.
        ("Task_insurance", world["rs.review"], at("2026-03-06", 10)),
    ]
    for bpmn_id, user, moment in steps:
        with travel(moment):
            decide(user, open_task(parent, bpmn_id), "complete")
    assert clock_of(children["310000-WJ-QR-0001"]).late is False
    assert clock_of(children["310000-GA-QR-0001"]).late is False
    insurance = clock_of(children["310000-YB-GG-0001"])
    assert (insurance.state, insurance.late) == (ClockState.STOPPED, True)
    assert clock_of(children["310000-RS-GG-0001"]).state == ClockState.RUNNING
    assert clock_of(parent).state == ClockState.RUNNING
    with travel(at("2026-03-06", 11)):
        decide(world["rs.window"], open_task(parent, "Task_social_card"), "complete")
    parent.refresh_from_db()
    assert parent.status == CaseStatus.COMPLETED
    finished = clock_of(parent)
    assert (finished.state, finished.late, finished.used_days) == (ClockState.STOPPED, False, 4)
    assert clock_of(children["310000-RS-GG-0001"]).late is False


def test_an_item_with_a_run_of_its_own_starts_its_clock_at_its_acceptance(world):
    from onewindow.cases.tests.test_diagram import newborn_in_separate_runs

    with travel(at("2026-03-02", 10)):
        parent = newborn_in_separate_runs()  # the hukou item on single_department
    parent.refresh_from_db()
    items = {c.service_code: c for c in parent.children.all()}
    hukou = items.pop("310000-GA-QR-0001")
    # The other items' runs (newborn.bpmn) accept at once, and the event with them; the
    # hukou item waits for its window's acceptance.
    assert hukou.clock is None
    assert all(item.clock is not None for item in items.values())
    assert clock_of(parent).started_at == at("2026-03-02", 10)
    with travel(at("2026-03-03", 10)):
        decide(world["ga.window"], open_task(hukou, "Task_accept"), "accept")
    assert clock_of(hukou).started_at == at("2026-03-03", 10)
