from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.cases import services
from onewindow.cases.choices import MAX_NOTE, CaseStatus
from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.tests.conftest import (
    ADOPTION,
    ASSISTANCE,
    COMPANY,
    PASSPORT,
    open_task,
    submit,
)
from onewindow.conftest import make_user
from onewindow.core.errors import Conflict, InvalidInput, NotFound
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role
from onewindow.notifications.models import Notification, OutboxMessage
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services

Steps = list[tuple[str, User, str]]


@pytest.fixture
def officer(world: dict[str, User]) -> Callable[[str, str], User]:
    def make(code: str, role: str = Role.REVIEWING_OFFICER) -> User:
        return make_user(roles=[(role, Department.objects.get(code=code))])

    return make


def drive(case: Case, steps: Steps) -> Case:
    for bpmn_id, user, outcome in steps:
        task = open_task(case, bpmn_id)
        workflow_services.claim_task(actor=user, task_id=task.pk)
        services.decide_task(actor=user, task_id=task.pk, outcome=outcome, comment="理由")
    case.refresh_from_db()
    return case


def timeline(case: Case) -> list[tuple[str, str]]:
    return [
        (e.department.code if e.department else "", e.outcome)
        for e in CaseEvent.objects.filter(case=case).select_related("department")
    ]


def test_single_department_end_to_end(world):
    case = submit(world["citizen.wang"], PASSPORT)
    assert case.number.startswith("310000-GA-") and case.number.endswith("-0001")
    assert case.status == CaseStatus.SUBMITTED
    case = drive(
        case,
        [
            ("Task_accept", world["ga.window"], "accept"),
            ("Task_review", world["ga.review"], "approve"),
        ],
    )
    assert case.status == CaseStatus.APPROVED
    assert timeline(case) == [
        ("310000-GA", "submitted"),
        ("310000-GA", "accept"),
        ("310000-GA", "approve"),
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"cases.case_submitted", "cases.case_decided"} <= actions


def test_parallel_three_end_to_end(world, officer):
    mz = officer("310000-MZ", Role.WINDOW_OFFICER)
    case = submit(world["citizen.chen"], ADOPTION)
    case = drive(
        case,
        [
            ("Task_accept", mz, "accept"),
            ("Task_review_ga", world["ga.review"], "approve"),
            ("Task_review_wj", officer("310000-WJ"), "approve"),
        ],
    )
    assert case.status == CaseStatus.IN_PROGRESS  # half of the parallel review done
    case = drive(
        case,
        [("Task_review_yb", world["rs.review"], "approve"), ("Task_finish", mz, "complete")],
    )
    assert case.status == CaseStatus.COMPLETED
    assert [d for d, _o in timeline(case)] == [
        "310000-MZ",
        "310000-MZ",
        "310000-GA",
        "310000-WJ",
        "310000-YB",
        "310000-MZ",
    ]


@pytest.mark.parametrize(("amount", "second"), [(80000, True), (1000, False)])
def test_dmn_routing_end_to_end(world, officer, amount, second):
    # 黄浦区临时救助 is the district's benefit: its own 民政局 accepts and reviews it.
    case = submit(world["citizen.wang"], ASSISTANCE, amount=amount)
    steps: Steps = [
        ("Task_accept", officer("310101-MZ", Role.WINDOW_OFFICER), "accept"),
        ("Task_review", officer("310101-MZ"), "approve"),
    ]
    if second:
        steps.append(("Task_second_review", officer("310000-CZ"), "approve"))
    case = drive(case, steps)
    assert case.status == CaseStatus.APPROVED
    assert timeline(case)[:3] == [
        ("310101-MZ", "submitted"),
        ("310101-MZ", "accept"),
        ("310101-MZ", "approve"),
    ]
    assert ("310000-CZ", "approve") in timeline(case) if second else len(timeline(case)) == 3


@pytest.mark.parametrize("need_seal", [True, False])
def test_company_start_end_to_end(world, officer, need_seal):
    # 同时申请刻制公章 (need_seal): the seal is 公安's step, beside 税务, 人社 and 公积金.
    agent = world["agent.li"]
    case = submit(agent, COMPANY, need_seal=need_seal)
    assert case.company is not None and case.data["need_seal"] is need_seal
    case = drive(
        case,
        [
            ("Task_accept", world["sj.window"], "accept"),
            ("Task_license", world["sj.review"], "approve"),
        ],
    )
    parallel = {"Task_tax": "310000-SW", "Task_social": "310000-RS", "Task_fund": "310000-GJJ"}
    if need_seal:
        parallel["Task_seal"] = "310000-GA"
    assert case.instance_id is not None
    waiting = workflow_queries.open_tasks_of(case.instance_id)
    assert {t.bpmn_id: t.department.code for t in waiting if t.department} == parallel
    case = drive(
        case,
        [
            ("Task_tax", officer("310000-SW"), "complete"),
            ("Task_social", world["rs.window"], "complete"),
            ("Task_fund", officer("310000-GJJ"), "complete"),
        ],
    )
    if need_seal:
        assert case.status == CaseStatus.IN_PROGRESS  # the join waits for the seal
        seal = open_task(case, "Task_seal")
        assert seal in workflow_queries.inbox(world["ga.window"])
        case = drive(case, [("Task_seal", world["ga.window"], "complete")])
    assert case.status == CaseStatus.COMPLETED
    assert {d for d, _o in timeline(case)} == {"310000-SJ", *parallel.values()}
    assert case.instance is not None
    assert case.instance.tasks.filter(bpmn_id="Task_seal").exists() == need_seal
    # The run's result, as before the seal's branch: the licence decision with every
    # step's outcome; the last officer's outcome (a registration's) on top.
    assert case.instance.result == {
        "outcome": "complete",
        "outcomes": {
            "Task_accept": "accept",
            "Task_license": "approve",
            **dict.fromkeys(parallel, "complete"),
        },
        "recorded_by_task": "Task_record",
    }


def test_life_event_parent_and_four_children_from_one_form(world, officer):
    parent = submit(world["citizen.wang"], "newborn")
    children = list(parent.children.order_by("pk"))
    assert [c.service_code for c in children] == [
        "310000-WJ-QR-0001",
        "310000-GA-QR-0001",
        "310000-YB-GG-0001",
        "310000-RS-GG-0001",
    ]
    assert {c.instance_id for c in children} == {parent.instance_id}
    assert parent.item_version is None
    assert [c.item_version.item.code for c in children] == [c.service_code for c in children]
    # Shared answers reach every child under its own form's field names.
    assert all(c.data["child_name"] == parent.data["child_name"] for c in children)
    drive(parent, [("Task_birth_certificate", officer("310000-WJ"), "complete")])
    first = Case.objects.get(pk=children[0].pk)
    assert first.status == CaseStatus.COMPLETED
    assert Case.objects.get(pk=children[1].pk).status == CaseStatus.SUBMITTED
    parent = drive(
        parent,
        [
            ("Task_hukou", world["ga.window"], "complete"),
            ("Task_insurance", world["rs.review"], "complete"),
            ("Task_social_card", world["rs.window"], "complete"),
        ],
    )
    assert parent.status == CaseStatus.COMPLETED
    assert set(parent.children.values_list("status", flat=True)) == {CaseStatus.COMPLETED}
    assert [d for d, o in timeline(parent) if o == "complete"] == [
        "310000-WJ",
        "310000-GA",
        "310000-YB",
        "310000-RS",
    ]


@pytest.mark.parametrize("outcome", ["not_accepted", "reject"])
def test_refusals_need_a_reason(world, outcome):
    case = submit(world["citizen.wang"], PASSPORT)
    if outcome == "reject":
        drive(case, [("Task_accept", world["ga.window"], "accept")])
    bpmn_id, user = (
        ("Task_review", world["ga.review"])
        if outcome == "reject"
        else ("Task_accept", world["ga.window"])
    )
    task = open_task(case, bpmn_id)
    with pytest.raises(InvalidInput) as caught:
        services.decide_task(actor=user, task_id=task.pk, outcome=outcome, comment="  ")
    assert "comment" in caught.value.fields
    services.decide_task(actor=user, task_id=task.pk, outcome=outcome, comment="不符合条件")
    case.refresh_from_db()
    expected = CaseStatus.REJECTED if outcome == "reject" else CaseStatus.NOT_ACCEPTED
    assert case.status == expected


def test_a_comment_or_note_too_long_is_refused_not_cut(world):
    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    longest = "理" * MAX_NOTE
    for field, given in (
        ("comment", {"comment": longest + "由"}),
        ("note_for_applicant", {"comment": "不符合条件", "note_for_applicant": longest + "由"}),
    ):
        with pytest.raises(InvalidInput) as caught:
            services.decide_task(
                actor=world["ga.window"], task_id=task.pk, outcome="not_accepted", **given
            )
        assert list(caught.value.fields) == [field]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    services.decide_task(
        actor=world["ga.window"], task_id=task.pk, outcome="not_accepted", comment=longest
    )
    assert CaseEvent.objects.get(case=case, outcome="not_accepted").comment == longest


def test_notifications_and_email_after_commit(world, django_capture_on_commit_callbacks):
    user = world["citizen.chen"]  # prefers English
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(user, PASSPORT)
    assert len(mail.outbox) == 1
    assert case.number in mail.outbox[0].subject
    assert mail.outbox[0].to == [user.email]
    # The service as the applicant's English names it, though filed in Chinese.
    assert case.service_name_en and case.service_name_en in mail.outbox[0].body
    assert case.service_name not in mail.outbox[0].body
    task = open_task(case, "Task_accept")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_task(
            actor=world["ga.window"],
            task_id=task.pk,
            outcome="accept",
            comment="ok",
            note_for_applicant="Please bring your old passport.",
        )
    assert len(mail.outbox) == 2
    assert "Please bring your old passport." in mail.outbox[1].body
    assert mail.outbox[1].subject == f"Update on your case {case.number}"
    # The step's result in the applicant's English (not the officer's button, "Accept"),
    # and the step by the English name its process gives it (``name_en``).
    assert "Window acceptance: Accepted." in mail.outbox[1].body
    assert "窗口受理" not in mail.outbox[1].body
    mine = Notification.objects.filter(recipient=user, case_number=case.number)
    assert [n.kind for n in mine] == ["case_decided", "case_submitted"]
    assert {n.link for n in mine} == {f"/cases/{case.number}/"}
    assert set(OutboxMessage.objects.filter(recipient=user).values_list("status", flat=True)) == {
        "sent"
    }


def test_a_rolled_back_decision_sends_nothing(world, django_capture_on_commit_callbacks):
    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        services.decide_task(actor=world["ga.window"], task_id=task.pk, outcome="approve")
    assert mail.outbox == []
    # The confirmation only
    assert Notification.objects.filter(case_number=case.number).count() == 1


def test_two_officers_claim_at_once_one_wins(world, officer):
    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    second = officer("310000-GA", Role.WINDOW_OFFICER)
    workflow_services.claim_task(actor=world["ga.window"], task_id=task.pk)
    with pytest.raises(Conflict):
        workflow_services.claim_task(actor=second, task_id=task.pk)


def test_a_refused_decision_is_audited(world):
    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    with pytest.raises(NotFound):
        services.decide_task(actor=world["sj.window"], task_id=task.pk, outcome="accept")
    event = AuditEvent.objects.filter(action="cases.case_decided").get()
    assert event.outcome == "denied"


def test_a_decision_reads_the_process_state_once(world):
    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    with CaptureQueriesContext(connection) as queries:
        services.decide_task(actor=world["ga.window"], task_id=task.pk, outcome="accept")
    state_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "workflow_processinstance"' in q["sql"]
    ]
    assert len(state_reads) == 1, state_reads


def test_a_decision_reads_its_cases_once_with_what_their_clocks_need(world):
    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    with CaptureQueriesContext(connection) as queries:
        services.decide_task(actor=world["ga.window"], task_id=task.pk, outcome="accept")
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    main_table = [sql.split(" FROM ")[1].split()[0] for sql in reads]
    # Locked for the decision; then with the cases sharing its run, for their clocks.
    assert main_table.count('"cases_case"') == 2
    assert '"catalog_serviceitemversion"' not in main_table  # the promised limit came along
    accepted = Case.objects.select_related("clock", "item_version").get(pk=case.pk)
    assert accepted.clock is not None and accepted.item_version is not None
    assert accepted.clock.limit_days == accepted.item_version.promised_limit_days


def test_a_decision_needs_an_outcome_before_anything_else(world):
    task = open_task(submit(world["citizen.wang"], PASSPORT), "Task_accept")
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        services.decide_task(actor=world["ga.window"], task_id=task.pk, outcome="")
    assert caught.value.code == "outcome_required"
    with translation.override("en"):
        assert [str(m) for m in caught.value.fields["outcome"]] == ["Choose an outcome."]
    task.refresh_from_db()
    assert task.status == "ready"


def test_an_outcome_the_step_does_not_offer_is_named_by_labels_and_codes(world):
    task = open_task(submit(world["citizen.wang"], PASSPORT), "Task_accept")
    with pytest.raises(InvalidInput) as caught:
        services.decide_task(actor=world["ga.window"], task_id=task.pk, outcome="approve")
    refused = caught.value
    assert refused.code == "outcome_not_offered"
    # Lazy: each reads in the language of whoever shows it. The officer reads the
    # step's outcomes as the page's choices label them; the answer's message keeps the
    # codes an API client sends.
    with translation.override("en"):
        assert [str(m) for m in refused.fields["outcome"]] == [
            "Choose one of this step's outcomes: Accept, Not accepted."
        ]
        assert "accept, not_accepted" in str(refused.message)
    with translation.override("zh-hans"):
        assert "受理、不予受理" in str(refused.fields["outcome"][0])
    task.refresh_from_db()
    assert task.status == "ready" and not CaseEvent.objects.filter(task_id=task.pk).exists()


def test_an_outsider_is_refused_the_task_whatever_the_outcome(world):
    task = open_task(submit(world["citizen.wang"], PASSPORT), "Task_accept")
    with pytest.raises(NotFound):
        services.decide_task(actor=world["sj.window"], task_id=task.pk, outcome="approve")
    event = AuditEvent.objects.filter(action="cases.case_decided").get()
    assert event.outcome == "denied"
