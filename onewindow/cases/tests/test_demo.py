from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from onewindow.cases import demo
from onewindow.cases.choices import CaseStatus, ExtensionStatus
from onewindow.cases.demo import BINDINGS, load_demo_cases
from onewindow.cases.demo_clocks import working_days_ago
from onewindow.cases.models import Case
from onewindow.catalog import demo as catalog_demo
from onewindow.catalog import routing
from onewindow.catalog.demo import load_demo_catalog
from onewindow.catalog.models import LifeEvent, ServiceItem
from onewindow.identity.demo import load_demo_city
from onewindow.identity.models import User
from onewindow.workdays.demo import load_demo_calendar
from onewindow.workflow import clocks, sweep
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow.models import Escalation, WorkTask

# A Wednesday (the demo counts back from whatever day it runs on; see the test below).
TODAY = datetime(2026, 11, 25, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# The demo's cases between them are in each of these.
EVERY_STATUS = {
    CaseStatus.SUBMITTED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.SUPPLEMENT,
    CaseStatus.APPROVED,
    CaseStatus.REJECTED,
    CaseStatus.NOT_ACCEPTED,
    CaseStatus.COMPLETED,
}


def colour(key: str, *, task: str = "") -> str:
    case = Case.objects.get(idempotency_key=key)
    clock = case.clock
    if task:
        clock = WorkTask.objects.get(instance=case.instance, bpmn_id=task).clock
    return clocks.reading(clock, timezone.now()).colour


@pytest.mark.django_db
def test_demo_cases_in_every_state_and_idempotent():
    load_demo_city()
    load_demo_calendar()
    load_demo_catalog()
    assert catalog_demo.read("topics")
    with time_machine.travel(TODAY, tick=False):
        assert load_demo_cases() == 18
        assert load_demo_cases() == 0
        assert set(Case.objects.values_list("status", flat=True)) == EVERY_STATUS
        assert colour("demo-clock-running") == "green"
        assert colour("demo-clock-due-soon", task="Task_review") == "yellow"
        assert colour("demo-clock-overdue") == "red"
        assert colour("demo-clock-overdue", task="Task_review") == "red"
        assert colour("demo-clock-supplement") == "paused"
        extended = Case.objects.get(idempotency_key="demo-clock-extended")
        assert extended.clock.extended_days == 2
        # 黄浦区临时救助 is decided in Huangpu, not by the city's 民政局.
        assert [(e.actor.username, e.outcome) for e in extended.events.exclude(actor=None)] == [
            ("citizen.wang", "submitted"),
            ("hp.mz.window", "accept"),
            ("hp.mz.lead", "extended"),
        ]
        assert extended.extensions.get().requested_by.username == "hp.mz.review"
        asked = Case.objects.get(idempotency_key="demo-clock-extension-asked")
        [extension] = asked.extensions.all()
        assert (extension.status, extension.requested_by.username) == (
            ExtensionStatus.PENDING,
            "hp.mz.review",
        )
        assert colour("demo-clock-on-time") == "on_time"
        assert colour("demo-clock-late") == "late"
        # The worker's first sweep sends the overdue case's reminder and escalations.
        report = sweep.sweep()
        assert report.timers_fired == 3
        overdue = Case.objects.get(idempotency_key="demo-clock-overdue")
        levels = {
            e.level: sorted(u.username for u in e.recipients.all())
            for e in Escalation.objects.filter(task__instance=overdue.instance)
        }
        assert levels == {
            "reminder": ["ga.review"],
            "department_lead": ["ga.lead"],
            "supervisor": ["supervisor"],
        }
    company_case = Case.objects.get(idempotency_key="demo-company-parallel")
    assert company_case.company is not None
    assert [e.outcome for e in company_case.events.all()] == [
        "submitted",
        "accept",
        "approve",
        "complete",
    ]
    # It asked for the free seal: 公安's step waits in ga.window's inbox beside 税务's
    # and 公积金's.
    assert company_case.data["need_seal"] is True
    waiting = WorkTask.objects.filter(instance=company_case.instance, status="ready")
    assert {t.bpmn_id: t.department.code for t in waiting.select_related("department")} == {
        "Task_tax": "310000-SW",
        "Task_fund": "310000-GJJ",
        "Task_seal": "310000-GA",
    }
    ga_window = User.objects.get(username="ga.window")
    assert workflow_queries.inbox(ga_window).filter(bpmn_id="Task_seal").count() == 1
    assert Case.objects.get(idempotency_key="demo-newborn").children.count() == 4
    # Every department of the company's setting-up done: the case is completed (办结),
    # for the company, step by step over three working days, each within its day.
    completed = Case.objects.get(idempotency_key="demo-company-completed")
    assert completed.status == CaseStatus.COMPLETED and completed.company is not None
    events = list(completed.events.all())
    assert [e.outcome for e in events][-4:] == ["complete"] * 4
    assert len({timezone.localdate(e.at) for e in events}) == 3
    assert {
        clocks.reading(t.clock, timezone.now()).colour
        for t in WorkTask.objects.filter(instance=completed.instance)
    } == {"on_time"}


@pytest.mark.django_db
def test_with_filing_queued_the_demo_loads_whole_and_leaves_no_run_waiting(settings):
    # The loader takes new cases' steps at once: their runs start in the submission
    # whatever the setting (a queued one, left for a worker, had no task to take).
    settings.FILING_QUEUED = True
    load_demo_city()
    load_demo_calendar()
    load_demo_catalog()
    with time_machine.travel(TODAY, tick=False):
        processes = demo.load_processes()
        demo.load_forms()
        demo.bind_items(processes)
        # What a loader of before left behind when it stopped: a case filed queued, its
        # run not started and its steps not taken.
        left, _new = demo.file_demo_case(
            "demo-passport-approved",
            User.objects.get(username="citizen.chen"),
            "310000-GA-XK-0001",
            queued=True,
        )
        assert left.run_queued and left.instance_id is None
        assert load_demo_cases() == 17
        assert load_demo_cases() == 0
        assert set(Case.objects.values_list("status", flat=True)) == EVERY_STATUS
        assert not Case.objects.filter(run_queued=True).exists()
    left.refresh_from_db()
    assert left.status == CaseStatus.APPROVED
    assert [e.outcome for e in left.events.all()] == ["submitted", "accept", "approve"]


@pytest.mark.django_db
def test_every_demo_item_and_event_is_bound_to_a_process_with_lanes_that_fit():
    # An item's applications go to the inboxes its process's lanes name; the seed binds
    # without the check an editor's binding passes (routing.check_item_process), so a
    # district's item bound to a process of the city's bureau would pass unnoticed.
    load_demo_city()
    load_demo_calendar()
    load_demo_catalog()
    with time_machine.travel(TODAY, tick=False):
        load_demo_cases()
    bound = ServiceItem.objects.filter(published__process__isnull=False).select_related(
        "department", "published__process"
    )
    assert set(BINDINGS) <= {item.code for item in bound}
    for item in bound:
        assert item.published is not None and item.published.process is not None
        lanes, unknown = routing.lane_departments(item.published.process)
        assert routing.reaches(item.department, lanes), item.code
        assert unknown == [], item.code
    # ...and each life event's process of the whole fits its items, as an editor's
    # choice must (routing.check_event_process raises otherwise).
    events = LifeEvent.objects.filter(process__isnull=False).prefetch_related(
        "steps__item__department"
    )
    assert events
    for event in events:
        assert event.process is not None
        routing.check_event_process(event, event.process)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2026-11-25", "2026-11-19"),  # Wednesday: Thu 11-19 → 11-20, 23, 24, 25
        ("2026-11-28", "2026-11-23"),  # Saturday: Mon 11-23 → 11-24, 25, 26, 27
        ("2026-10-09", "2026-09-28"),  # across National Day: 09-29, 09-30, 10-08, 10-09
    ],
)
def test_working_days_ago_leaves_exactly_n_working_days_until_today(today, expected):
    load_demo_calendar()
    day = datetime.fromisoformat(today).date()
    assert str(working_days_ago(4, today=day).date()) == expected
