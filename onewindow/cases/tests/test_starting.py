"""Starting a case's run (cases/starting.py). Filing queued (FILING_QUEUED, ADR 0021):
the submission numbers, stores and confirms the case; the run starts after commit,
exactly once, and the minute's catch-up starts what a lost message left."""

import getpass
import threading
from datetime import timedelta
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.audit.models import AuditEvent
from onewindow.cases import starting
from onewindow.cases.models import Case
from onewindow.cases.tasks import start_run
from onewindow.cases.tests.conftest import PASSPORT, open_task, start_fails_for, submit
from onewindow.cases.tests.test_views import logged_in
from onewindow.cases.tests.timekit import at, clock_of, travel
from onewindow.conftest import make_user, run_all
from onewindow.core import health
from onewindow.notifications.models import Notification
from onewindow.workflow import engine
from onewindow.workflow.models import ProcessInstance, WorkTask


def _process_file_reads(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "bpmn_xml" in q["sql"]]


def test_process_files_are_read_only_by_a_worker_that_has_not_parsed_them(world, queued):
    # Tens of kilobytes a process: not for every submission, nor every queued start.
    user = world["citizen.wang"]
    with CaptureQueriesContext(connection) as filing_queries:
        first = submit(user, PASSPORT)
    assert _process_file_reads(filing_queries) == []
    engine._cache.clear()  # as in a worker that has not started this process yet
    with CaptureQueriesContext(connection) as first_start:
        assert starting.start_queued_run(first.pk)
    assert len(_process_file_reads(first_start)) == 1
    second = submit(user, PASSPORT)
    with CaptureQueriesContext(connection) as second_start:
        assert starting.start_queued_run(second.pk)
    assert _process_file_reads(second_start) == []
    assert open_task(_started(second), "Task_accept").department.code == "310000-GA"


def _started(case: Case) -> Case:
    case.refresh_from_db()
    return case


def test_the_submission_stores_numbers_and_confirms_the_case_before_its_run(
    world, queued, django_capture_on_commit_callbacks
):
    user = world["citizen.wang"]
    with django_capture_on_commit_callbacks() as callbacks:
        case = submit(user, PASSPORT)
    case.refresh_from_db()
    assert (case.run_queued, case.instance_id) == (True, None)
    assert case.number.startswith("310000-GA-") and case.status == "submitted"
    assert Notification.objects.filter(recipient=user, kind="case_submitted").count() == 1
    assert AuditEvent.objects.filter(action="cases.case_submitted").count() == 1
    assert not AuditEvent.objects.filter(action="workflow.instance_started").exists()
    assert not WorkTask.objects.exists()
    # After commit, the message starts the run (tasks run inline in the tests).
    for callback in callbacks:
        callback()
    case.refresh_from_db()
    assert case.run_queued is False and case.instance_id is not None
    assert open_task(case, "Task_accept").department.code == "310000-GA"
    started = AuditEvent.objects.get(action="workflow.instance_started")
    assert started.actor_id == user.pk
    # The case's own change is audited too, after the run's start, by no person.
    case_started = AuditEvent.objects.get(action="cases.run_started")
    assert (case_started.target_type, case_started.target_id) == ("cases.case", str(case.pk))
    assert case_started.actor_id is None and case_started.seq > started.seq
    assert case_started.detail["runs"] == [case.instance_id]
    assert case_started.detail["number"] == case.number


def test_a_queued_life_event_ends_as_a_filed_one_with_clocks_from_submission(
    world, queued, django_capture_on_commit_callbacks, settings
):
    moment = at("2026-03-02", 10)
    with travel(moment), django_capture_on_commit_callbacks() as callbacks:
        parent = submit(world["citizen.wang"], "newborn")
    assert not ProcessInstance.objects.exists()
    with travel(moment + timedelta(hours=1)):
        for callback in callbacks:
            callback()
    queued_parent = _started(parent)
    settings.FILING_QUEUED = False
    with travel(moment):
        inline_parent = submit(world["citizen.chen"], "newborn")

    def shape(parent: Case) -> tuple[Any, ...]:
        children = list(parent.children.select_related("clock").order_by("pk"))
        # The event and its first item; the items after it wait for it (no clock yet).
        started = [parent, children[0]]
        return (
            {child.instance_id for child in children} == {parent.instance_id},
            sorted(t.bpmn_id for t in WorkTask.objects.filter(instance=parent.instance)),
            [clock_of(c).started_at for c in started],
            [clock_of(c).due_at for c in started],
            [c.clock_id for c in children[1:]],
        )

    assert queued_parent.run_queued is False
    assert shape(queued_parent) == shape(inline_parent)
    # The clocks ran from the submission, not from the worker's start an hour later.
    assert shape(queued_parent)[2] == [moment, moment]
    assert shape(queued_parent)[4] == [None, None, None]


def test_a_run_starts_once_however_often_it_is_asked(world, queued):
    case = submit(world["citizen.wang"], PASSPORT)
    assert starting.start_queued_run(case.pk) is True
    assert starting.start_queued_run(case.pk) is False
    assert ProcessInstance.objects.count() == 1
    assert AuditEvent.objects.filter(action="cases.run_started").count() == 1
    assert _started(case).instance == ProcessInstance.objects.get()


@pytest.mark.django_db(transaction=True)
def test_a_message_and_the_catch_up_at_once_start_one_run(world, queued):
    with mock.patch.object(starting, "_enqueue_start"):  # committed: no inline start here
        case = submit(world["citizen.wang"], PASSPORT)
    results: list[bool] = []

    def start() -> None:
        try:
            results.append(starting.start_queued_run(case.pk))
        finally:
            connection.close()

    run_all([threading.Thread(target=start) for _ in range(3)])
    assert sorted(results) == [False, False, True]
    assert ProcessInstance.objects.count() == 1
    assert WorkTask.objects.filter(bpmn_id="Task_accept").count() == 1


def test_the_catch_up_starts_what_a_lost_message_left_after_a_grace(world, queued):
    moment = at("2026-03-02", 10)
    with travel(moment):
        lost = submit(world["citizen.wang"], PASSPORT)  # its message never came
    early = starting.start_overdue_runs(moment + starting.QUEUE_GRACE - timedelta(seconds=1))
    assert (early.started, _started(lost).run_queued) == (0, True)
    report = starting.start_overdue_runs(moment + starting.QUEUE_GRACE)
    assert (report.started, report.problems) == (1, [])
    assert _started(lost).instance_id is not None


def test_a_run_that_cannot_start_stays_queued_and_the_others_go_on(world, queued):
    moment = at("2026-03-02", 10)
    with travel(moment):
        broken = submit(world["citizen.wang"], PASSPORT)
        fine = submit(world["citizen.chen"], PASSPORT)
    with start_fails_for(broken):
        report = starting.start_overdue_runs(moment + timedelta(minutes=5))
    assert report.started == 1
    assert report.problems == [f"case {broken.pk}: RuntimeError('engine down')"]
    assert (_started(broken).run_queued, _started(broken).instance_id) == (True, None)
    assert _started(fine).instance_id is not None
    # Nothing of the failed start was kept: its transaction rolled back whole.
    assert ProcessInstance.objects.count() == 1


def test_a_failing_start_is_counted_audited_and_tried_later_and_later(world, queued):
    moment = at("2026-03-02", 10)
    with travel(moment):
        broken = submit(world["citizen.wang"], PASSPORT)
    first = moment + timedelta(minutes=5)
    with start_fails_for(broken):
        assert len(starting.start_overdue_runs(first).problems) == 1
        assert (_started(broken).start_failures, broken.start_retry_at) == (
            1,
            first + timedelta(minutes=1),
        )
        # Not before its retry time, however often the catch-up runs.
        assert starting.start_overdue_runs(first + timedelta(seconds=59)).problems == []
        assert _started(broken).start_failures == 1
        assert len(starting.start_overdue_runs(first + timedelta(minutes=1)).problems) == 1
        assert _started(broken).start_retry_at == first + timedelta(minutes=3)  # 1 + 2
    failed = AuditEvent.objects.filter(action="cases.run_start_failed").order_by("seq")
    assert [(e.outcome, e.detail["failures"], e.target_id) for e in failed] == [
        ("failure", 1, str(broken.pk)),
        ("failure", 2, str(broken.pk)),
    ]
    assert failed[0].detail["error"] == "RuntimeError('engine down')"
    # The cause fixed, it starts at its next try.
    assert starting.start_overdue_runs(first + timedelta(minutes=3)).started == 1
    assert _started(broken).run_queued is False


def test_an_operator_starts_queued_runs_at_once_past_their_back_off(world, queued):
    moment = at("2026-03-02", 10)
    with travel(moment):
        broken = submit(world["citizen.wang"], PASSPORT)
        waiting = submit(world["citizen.chen"], PASSPORT)  # its message lost, say
    with start_fails_for(broken):
        starting.note_start_failure(broken.pk, RuntimeError("engine down"), moment)
        out, err = StringIO(), StringIO()
        call_command("start_queued_runs", stdout=out, stderr=err)  # every queued case
    assert out.getvalue() == "queued runs started: 1\n"
    assert err.getvalue() == f"could not start: case {broken.pk}: RuntimeError('engine down')\n"
    assert _started(waiting).run_queued is False
    assert _started(broken).start_failures == 2
    # The cause fixed: started at once by its number, long before its retry time.
    out = StringIO()
    call_command("start_queued_runs", broken.number, stdout=out)
    assert out.getvalue() == "queued runs started: 1\n"
    assert _started(broken).run_queued is False
    # Each request is audited, with the server account that ran the command.
    requests = AuditEvent.objects.filter(action="cases.run_start_requested").order_by("seq")
    assert [(e.actor_id, e.outcome, e.detail["started"]) for e in requests] == [
        (None, "failure", 1),
        (None, "success", 1),
    ]
    assert requests[1].detail["numbers"] == [broken.number]
    assert {e.detail["shell_user"] for e in requests} == {getpass.getuser()}


def test_a_number_that_is_not_a_queued_case_is_named_and_the_command_fails(world, queued):
    waiting = submit(world["citizen.wang"], PASSPORT)
    started = submit(world["citizen.chen"], PASSPORT)
    assert starting.start_queued_run(started.pk)
    out, err = StringIO(), StringIO()
    asked = [waiting.number, started.number, "310000-GA-NO-SUCH", started.number]
    # A script that names a case learns that it was not started: a non-zero exit.
    with pytest.raises(CommandError, match="not queued cases"):
        call_command("start_queued_runs", *asked, stdout=out, stderr=err)
    assert err.getvalue() == (
        f"not a queued case: {started.number}\nnot a queued case: 310000-GA-NO-SUCH\n"
    )
    # The queued case it named is started all the same, and the request audited.
    assert out.getvalue() == "queued runs started: 1\n"
    assert _started(waiting).run_queued is False
    request = AuditEvent.objects.get(action="cases.run_start_requested")
    assert (request.detail["numbers"], request.detail["started"]) == (asked, 1)


def test_retries_back_off_to_an_hour():
    delays = [starting.retry_delay(n) for n in (1, 2, 3, 6, 7, 100)]
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 32, 60, 60)]


def test_a_failing_message_driven_start_is_counted_too(world, queued):
    case = submit(world["citizen.wang"], PASSPORT)
    with start_fails_for(case), pytest.raises(RuntimeError, match="engine down"):
        start_run(case.pk)
    assert _started(case).start_failures == 1
    assert AuditEvent.objects.filter(action="cases.run_start_failed").count() == 1


def test_inline_filing_queues_nothing(world):
    case = submit(world["citizen.wang"], PASSPORT)
    assert (case.run_queued, case.instance_id is not None) == (False, True)
    assert starting.start_overdue_runs(case.created_at + timedelta(hours=1)).started == 0


def test_operators_learn_when_filed_cases_wait_for_a_worker(
    world, queued, client, django_assert_num_queries
):
    moment = at("2026-03-02", 10)
    with travel(moment):
        submit(world["citizen.wang"], PASSPORT)  # no worker took its message
        assert client.get("/healthz").content == b"ok"
    assert starting.stuck_warning(moment + starting.STUCK_AFTER - timedelta(seconds=1)) is None
    health.forget_checks()  # what it found is kept SERVICE_CHECK_SECONDS
    with travel(moment + starting.STUCK_AFTER):
        lines = client.get("/healthz").content.decode().splitlines()
    assert lines == [
        "degraded",
        "cases: 1 filed case(s) have waited over 5 minutes for their process to start; is a "
        "worker running? (its log names the cases whose start fails)",
    ]
    starting.note_start_failure(Case.objects.get().pk, RuntimeError("x"), moment)
    with django_assert_num_queries(1):  # the waiting and the failing counted together
        warning = starting.stuck_warning(moment + starting.STUCK_AFTER)
    assert warning is not None
    assert warning.endswith("; 1 of them failed to start (audit: cases.run_start_failed)")


def test_the_applicant_follows_a_case_whose_run_has_not_started(world, queued):
    applicant = make_user()
    case = submit(applicant, PASSPORT)
    client = logged_in(applicant)
    page = client.get(f"/cases/{case.number}/")
    assert page.status_code == 200
    assert "Application submitted" in page.content.decode()
    receipt = client.get(f"/cases/{case.number}/receipt/")
    assert case.number in receipt.content.decode()
    assert [c.number for c in client.get("/cases/").context["cases"]] == [case.number]


ON_ITS_WAY = "is on its way to the departments"
LATE = "taking longer than usual. You do not need to apply again"


def _page(client: Any, case: Case) -> str:
    return str(client.get(f"/cases/{case.number}/").content.decode())


def test_the_case_page_says_when_its_run_is_on_its_way_or_late(world, queued):
    applicant = make_user()
    moment = at("2026-03-02", 10)
    with travel(moment):
        case = submit(applicant, PASSPORT)
    client = logged_in(applicant)
    with travel(moment + timedelta(minutes=1)):
        page = _page(client, case)
        assert ON_ITS_WAY in page and LATE not in page
        # A failed start is late at once; the page promises no time.
        starting.note_start_failure(case.pk, RuntimeError("engine down"), moment)
        assert LATE in _page(client, case)
    Case.objects.filter(pk=case.pk).update(start_failures=0, start_retry_at=None)
    with travel(moment + starting.STUCK_AFTER):
        page = _page(client, case)
        assert LATE in page and ON_ITS_WAY not in page
        assert starting.start_queued_run(case.pk) is True
        page = _page(client, case)
        assert ON_ITS_WAY not in page and LATE not in page


def test_a_life_events_item_waits_with_the_event(world, queued):
    parent = submit(world["citizen.wang"], "newborn")
    child = parent.children.order_by("pk").first()
    assert child is not None and not child.run_queued
    now = parent.created_at
    assert (
        starting.run_wait(child, now) == starting.run_wait(parent, now) == starting.RunWait.QUEUED
    )
    starting.start_queued_run(parent.pk)
    child.refresh_from_db()
    assert starting.run_wait(child, now) == starting.RunWait.STARTED and child.parent is not None
    assert starting.run_wait(child.parent, now) == starting.RunWait.STARTED


def test_a_case_filed_with_its_run_started_never_waits(world):
    case = submit(world["citizen.wang"], PASSPORT)
    assert (
        starting.run_wait(case, case.created_at + starting.STUCK_AFTER) == starting.RunWait.STARTED
    )


def test_an_event_runs_its_items_together_in_the_process_it_was_filed_under(world, queued):
    from onewindow.catalog import services as catalog_services

    parent = submit(world["citizen.wang"], "newborn")
    assert parent.process is not None and parent.process.key == "newborn"
    # The event loses its process after filing: new applications only are affected.
    catalog_services.bind_event_process(code="newborn", process=None)
    engine._cache.clear()
    assert starting.start_queued_run(parent.pk)
    parent = _started(parent)
    # The event's process is read without its files, once the worker has parsed them.
    catalog_services.bind_event_process(code="newborn", process=parent.process)
    second = submit(world["citizen.wang"], "newborn")
    with CaptureQueriesContext(connection) as second_start:
        assert starting.start_queued_run(second.pk)
    assert _process_file_reads(second_start) == []
    assert parent.instance is not None and parent.instance.definition.key == "newborn"
    assert {child.instance_id for child in parent.children.all()} == {parent.instance_id}
    ready = WorkTask.objects.filter(instance=parent.instance, status="ready")
    assert [t.bpmn_id for t in ready] == ["Task_birth_certificate"]


def test_an_item_applied_for_on_its_own_runs_its_own_departments_step(world):
    # 社保卡申领 alone: not the newborn event's four departments, only 人社's step.
    case = submit(world["citizen.wang"], "310000-RS-GG-0001")
    assert case.process is None and case.instance is not None
    assert case.instance.definition.key == "social_security_card"
    tasks = WorkTask.objects.filter(instance=case.instance)
    assert [(t.bpmn_id, t.department.code) for t in tasks] == [("Task_social_card", "310000-RS")]
    from onewindow.cases import services

    services.decide_task(
        actor=world["rs.review"], task_id=tasks[0].pk, outcome="complete", comment="已制卡"
    )
    assert _started(case).status == "completed"


@pytest.mark.parametrize("setting", [True, False])
def test_a_caller_may_say_whether_its_run_is_queued_whatever_the_setting(world, settings, setting):
    # The demo loader takes a new case's steps at once, so it files unqueued even when
    # the site files queued; the setting stays the default for everyone else.
    from onewindow.cases import filing
    from onewindow.cases.tests.conftest import answers

    settings.FILING_QUEUED = setting
    user = world["citizen.wang"]
    data = answers(user, PASSPORT)
    asked, _ = filing.submit_case(applicant=user, service=PASSPORT, data=data, queued=not setting)
    default = submit(user, PASSPORT)
    assert (asked.run_queued, default.run_queued) == (not setting, setting)
