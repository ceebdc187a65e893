import itertools
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_user
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role
from onewindow.workflow import engine, registry, services, sweep
from onewindow.workflow.choices import TaskStatus
from onewindow.workflow.models import ProcessDefinition, ProcessInstance, ProcessTimer, WorkTask
from onewindow.workflow.registry import ServiceContext
from onewindow.workflow.tests.conftest import (
    UNKNOWN_LANE,
    complete,
    expression_and_unknown_lane,
    open_tasks,
    read_malicious,
    read_process,
    upload,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
Officer = Callable[..., User]


def assert_consistent(instance: ProcessInstance) -> None:
    """The stored state loads again, and its ready tasks are exactly the open rows."""
    instance.refresh_from_db()
    definition = instance.definition
    spec = engine.spec_for(definition.spec_key, definition.bpmn_xml, definition.dmn_files)
    run = engine.load_state(
        spec, instance.state, version=instance.serializer_version, context=ServiceContext()
    )
    assert {t.id for t in engine.ready_user_tasks(run)} == {
        t.spiff_task_id for t in open_tasks(instance).values()
    }
    assert instance.status == ("completed" if engine.is_completed(run) else "running")


def start(definition: ProcessDefinition, **data: object) -> ProcessInstance:
    instance = services.start_instance(definition=definition, data=data, actor=None)
    assert_consistent(instance)
    return instance


def step(instance: ProcessInstance, bpmn_id: str, outcome: str, user: User) -> WorkTask:
    task = complete(open_tasks(instance)[bpmn_id], outcome, user)
    assert_consistent(instance)
    return task


def actions() -> list[tuple[str, str]]:
    return [(e.action, e.outcome) for e in AuditEvent.objects.order_by("seq")]


# --- definitions ------------------------------------------------------------------


def test_upload_numbers_versions_and_audits(city: dict[str, Department]) -> None:
    first = upload("permit", "single_department.bpmn")
    second = upload("permit", "single_department.bpmn")
    assert (first.version, second.version) == (1, 2)
    assert first.sha256 == second.sha256
    event = AuditEvent.objects.filter(action="workflow.definition_uploaded").last()
    assert event is not None
    assert event.detail["departments"] == ["310000-GA"]
    assert event.detail["version"] == 2


def test_upload_rejects_unknown_departments(city: dict[str, Department]) -> None:
    text = read_process("single_department.bpmn").replace("310000-GA/review", "310000-XX/review")
    with pytest.raises(services.InvalidBundle) as caught:
        services.upload_definition(actor=None, key="x", name="x", bpmn_xml=text, dmn_files={})
    assert "310000-XX" in str(caught.value.message)
    [problem] = caught.value.problems
    assert (problem.element, problem.element_id) == ("lane", "Lane_review")
    assert ProcessDefinition.objects.count() == 0


def refused_upload(text: str, actor: User | None = None) -> services.InvalidBundle:
    with pytest.raises(services.InvalidBundle) as caught:
        services.upload_definition(actor=actor, key="x", name="x", bpmn_xml=text, dmn_files={})
    assert not ProcessDefinition.objects.exists()
    return caught.value


def where(refusal: services.InvalidBundle) -> list[tuple[str, str]]:
    return [(problem.element, problem.element_id) for problem in refusal.problems]


def test_upload_lists_a_refused_expression_and_an_unknown_lane_at_once(
    city: dict[str, Department], officer: Officer
) -> None:
    """The lane was reported only once the expression was fixed, by a second upload."""
    refusal = refused_upload(expression_and_unknown_lane(), officer("GA", Role.DEPARTMENT_ADMIN))
    assert where(refusal) == [("sequenceFlow", "Flow_cond"), ("lane", "Lane_1")]
    expression, lane = (str(problem.message) for problem in refusal.problems)
    assert "“__import__” cannot be used in process expressions" in expression
    assert lane == UNKNOWN_LANE
    assert [str(m) for m in refusal.fields["bpmn_xml"]] == [expression, lane]
    # A refused file, not a refused uploader: nothing to audit as denied.
    assert not AuditEvent.objects.filter(action="workflow.definition_uploaded").exists()


def test_upload_lists_every_problem_of_a_lane_once(city: dict[str, Department]) -> None:
    """A modeler's ``${...}`` condition, a lane whose role is none and whose department
    does not exist, and a lane naming no department: each problem once, the bundle's as
    it meets them, then the lanes' departments in the file's order."""
    text = (
        read_process("single_department.bpmn")
        .replace('>outcome == "approve"<', '>${outcome == "approve"}<')
        .replace("310000-GA/window_officer", "310000-XX/citizen")
        .replace("310000-GA/reviewing_officer", "310000-YY/reviewing_officer")
    )
    refusal = refused_upload(text)
    assert where(refusal) == [
        ("lane", "Lane_window"),  # citizens do not work on cases
        ("sequenceFlow", "Flow_approve"),
        ("lane", "Lane_window"),  # 310000-XX
        ("lane", "Lane_review"),  # 310000-YY
    ]
    messages = [str(problem.message) for problem in refusal.problems]
    assert messages[0].startswith("Lane 310000-XX/citizen: citizen does not work on cases;")
    # Named as the Camunda 7 expression it is, not as a syntax error at column 1 (QA).
    assert messages[1] == (
        "The expression in sequenceFlow Flow_approve is refused: it is written in JUEL, "
        "which is not run here: expressions are Python, e.g. amount > 100 or approved == True."
    )
    assert "names department 310000-XX, which does not exist" in messages[2]
    assert "names department 310000-YY, which does not exist" in messages[3]


def test_upload_lists_an_unknown_lane_with_a_flow_to_no_element(
    city: dict[str, Department],
) -> None:
    """A flow to an element the process has not reached SpiffWorkflow, which said so in
    words of its own ("we found two items, perhaps a form has the same ID?"); the checks
    name it, with the lanes' problems."""
    text = (
        read_process("single_department.bpmn")
        .replace('targetRef="EndEvent_approved"', 'targetRef="Nowhere"')
        .replace("310000-GA/review", "310000-XX/review")
    )
    refusal = refused_upload(text)
    assert where(refusal) == [("sequenceFlow", "Flow_approve"), ("lane", "Lane_review")]
    with translation.override("en"):
        assert str(refusal.problems[0].message) == (
            "Sequence flow Flow_approve connects Nowhere, which is no element of its process "
            "or subprocess."
        )
        # Named as drawn, in English where the file gives it (the flow's name_en).
        assert [p.shown_name for p in refusal.problems] == [
            "Approved",
            "310000-XX/reviewing_officer",
        ]


def test_what_the_engine_refuses_is_named_as_drawn(
    city: dict[str, Department], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SpiffWorkflow reads only files the checks passed; its objection, at an element,
    comes with that element's names and with the lanes' problems."""
    text = read_process("single_department.bpmn").replace("310000-GA/review", "310000-XX/review")

    def objects(parser: Any, process_id: str) -> Any:
        [gateway] = parser.process_parsers[process_id].node.xpath(".//*[@id='Gateway_decision']")
        raise engine.ValidationException("No conditions satisfied", node=gateway)

    monkeypatch.setattr(engine._Parser, "get_spec", objects)
    refusal = refused_upload(text)
    assert where(refusal) == [
        ("bpmn:exclusiveGateway", "Gateway_decision"),
        ("lane", "Lane_review"),
    ]
    assert str(refusal.problems[0].message).startswith("The process cannot be loaded:")
    assert (refusal.problems[0].name, refusal.problems[0].name_en) == ("审核结果", "Review result")
    with translation.override("en"):
        assert refusal.problems[0].shown_name == "Review result"
    with translation.override("zh-hans"):
        assert refusal.problems[0].shown_name == "审核结果"


def test_upload_of_files_that_are_not_xml_lists_each_and_no_lanes(
    city: dict[str, Department],
) -> None:
    """Nothing of them can be checked further: there is no lane to look up."""
    with pytest.raises(services.InvalidBundle) as caught:
        services.upload_definition(
            actor=None,
            key="x",
            name="x",
            bpmn_xml=expression_and_unknown_lane()[:400],
            dmn_files={"a.dmn": read_process("routing.dmn"), "b.dmn": "<broken"},
        )
    problems = caught.value.problems
    assert [problem.source for problem in problems] == ["", "b.dmn"]
    assert all("not well-formed XML" in str(problem.message) for problem in problems)
    assert set(caught.value.fields) == {"bpmn_xml", "dmn_files"}
    assert not ProcessDefinition.objects.exists()


@pytest.mark.parametrize(
    ("fixture", "element"),
    [("send_task.bpmn", "sendTask"), ("complex_gateway.bpmn", "complexGateway")],
)
def test_upload_rejects_unsupported_elements_naming_them(
    city: dict[str, Department], fixture: str, element: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.upload_definition(
            actor=None, key="x", name="x", bpmn_xml=read_malicious(fixture), dmn_files={}
        )
    assert str(caught.value.message) == f"Unsupported BPMN element {element} (id Task_2)."
    assert "bpmn_xml" in caught.value.fields


def test_upload_rejects_unknown_platform_functions(city: dict[str, Department]) -> None:
    text = read_process("newborn.bpmn").replace("record_result", "wipe_database")
    with pytest.raises(InvalidInput, match="wipe_database, which is not a platform function"):
        services.upload_definition(actor=None, key="x", name="x", bpmn_xml=text, dmn_files={})


def test_upload_needs_admins_of_every_lane_department(
    city: dict[str, Department], officer: Officer
) -> None:
    police_admin = officer("GA", Role.DEPARTMENT_ADMIN)
    definition = upload("permit", "single_department.bpmn", actor=police_admin)
    assert definition.created_by == police_admin
    with pytest.raises(Forbidden):
        upload("newborn", "newborn.bpmn", actor=police_admin)
    assert actions()[-1] == ("workflow.definition_uploaded", "denied")
    city_admin = officer("root", Role.PLATFORM_ADMIN)
    assert upload("newborn", "newborn.bpmn", actor=city_admin).version == 1
    with pytest.raises(Forbidden):
        upload("permit", "single_department.bpmn", actor=officer("GA", Role.REVIEWING_OFFICER))


def test_upload_refuses_whoever_may_not_upload_it_before_the_files_problems(
    city: dict[str, Department], officer: Officer
) -> None:
    """A file with a problem (a condition the sandbox refuses), drawing lanes of
    departments the uploader does not manage, is refused to the uploader (403, audited):
    they learn nothing of its checks, nor fix it only to be refused it then."""
    text = read_process("parallel_three.bpmn").replace(
        'outcome == "not_accepted"', '__import__("os")'
    )
    with pytest.raises(Forbidden, match="not an admin of"):
        services.upload_definition(
            actor=officer("GA", Role.DEPARTMENT_ADMIN), key="x", name="x", bpmn_xml=text
        )
    assert actions()[-1] == ("workflow.definition_uploaded", "denied")
    city_admin = officer("root", Role.PLATFORM_ADMIN)
    assert where(refused_upload(text, actor=city_admin)) == [("sequenceFlow", "Flow_not_accepted")]


def test_upload_checks_key_and_size(city: dict[str, Department]) -> None:
    text = read_process("newborn.bpmn")
    with pytest.raises(InvalidInput) as caught:
        services.upload_definition(actor=None, key="新生儿", name="x", bpmn_xml=text)
    assert "key" in caught.value.fields
    with pytest.raises(InvalidInput):
        services.upload_definition(actor=None, key="ok", name=" ", bpmn_xml=text)
    with pytest.raises(InvalidInput, match="too large"):
        services.upload_definition(
            actor=None, key="ok", name="x", bpmn_xml=text + " " * services.MAX_FILE_CHARS
        )


@pytest.mark.parametrize("key", ["新生儿", "Newborn", "new born", "-newborn", "_x", "n" * 65, ""])
def test_a_key_outside_the_rule_is_refused_in_its_own_words(
    city: dict[str, Department], key: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.upload_definition(
            actor=None, key=key, name="x", bpmn_xml=read_process("newborn.bpmn")
        )
    assert [str(m) for m in caught.value.fields["key"]] == [
        "Use only lower-case letters, digits, hyphens and underscores, starting with a letter "
        "or a digit (at most 64 characters)."
    ]


@pytest.mark.parametrize("key", ["newborn", "newborn-2", "life_event-newborn", "9to5", "n" * 64])
def test_keys_of_the_rule_are_taken(city: dict[str, Department], key: str) -> None:
    definition = services.upload_definition(
        actor=None, key=key, name="x", bpmn_xml=read_process("newborn.bpmn")
    )
    assert definition.key == key


@pytest.mark.parametrize(
    ("bpmn", "dmn"),
    [
        ("import_condition.bpmn", None),
        ("subclasses_script.bpmn", None),
        ("open_file.bpmn", None),
        ("dmn_routing.bpmn", "import_output.dmn"),
    ],
)
def test_malicious_files_are_refused_and_never_run(
    city: dict[str, Department], tmp_path: Path, bpmn: str, dmn: str | None
) -> None:
    pwned = tmp_path / "pwned"
    text = read_process(bpmn) if dmn else read_malicious(bpmn, pwned)
    dmn_files = {"routing.dmn": read_malicious(dmn, pwned)} if dmn else {}
    with pytest.raises(InvalidInput) as caught:
        services.upload_definition(
            actor=None, key="evil", name="evil", bpmn_xml=text, dmn_files=dmn_files
        )
    assert "is refused" in str(caught.value.message)
    assert ("dmn_files" if dmn else "bpmn_xml") in caught.value.fields
    assert not pwned.exists()
    assert ProcessDefinition.objects.count() == 0


def test_an_escape_hidden_in_a_string_fails_at_run_time_and_rolls_back(
    city: dict[str, Department],
) -> None:
    definition = services.upload_definition(
        actor=None, key="fmt", name="fmt", bpmn_xml=read_malicious("format_escape.bpmn")
    )
    with pytest.raises(Conflict) as caught:
        services.start_instance(definition=definition, data={}, actor=None)
    assert caught.value.code == "process_failed"
    assert "Task_2" in str(caught.value.message)
    assert ProcessInstance.objects.count() == 0
    failure = AuditEvent.objects.filter(action="workflow.instance_started").last()
    assert failure is not None
    assert failure.outcome == "failure"
    assert "format" in failure.detail["detail"]


# --- the demo processes end to end ------------------------------------------------


def test_single_department_approve(city: dict[str, Department], officer: Officer) -> None:
    instance = start(upload("permit", "single_department.bpmn"), applicant="张三")
    window, reviewer = officer("GA", Role.WINDOW_OFFICER), officer("GA", Role.REVIEWING_OFFICER)
    accept = open_tasks(instance)["Task_accept"]
    assert (accept.department, accept.role, accept.lane) == (
        city["GA"],
        Role.WINDOW_OFFICER,
        "310000-GA/window_officer",
    )
    services.claim_task(actor=window, task_id=accept.pk)
    step(instance, "Task_accept", "accept", window)
    review = open_tasks(instance)["Task_review"]
    assert review.role == Role.REVIEWING_OFFICER
    done = services.complete_task(
        actor=reviewer,
        task_id=review.pk,
        outcome="approve",
        comment="材料齐全",
        note_for_applicant="请于三日内领取证照",
    )
    assert (done.status, done.completed_by, done.note_for_applicant) == (
        "completed",
        reviewer,
        "请于三日内领取证照",
    )
    assert_consistent(instance)
    assert instance.status == "completed"
    assert instance.result["outcome"] == "approve"
    assert open_tasks(instance) == {}
    assert [a for a, _ in actions() if a.startswith("workflow.")] == [
        "workflow.definition_uploaded",
        "workflow.instance_started",
        "workflow.task_claimed",
        "workflow.task_completed",
        "workflow.result_recorded",
        "workflow.task_completed",
    ]


@pytest.mark.parametrize(
    ("accept", "review", "result"), [("accept", "reject", "reject"), ("not_accepted", None, "")]
)
def test_single_department_refusals(
    city: dict[str, Department],
    officer: Officer,
    accept: str,
    review: str | None,
    result: str,
) -> None:
    instance = start(upload("permit", "single_department.bpmn"))
    step(instance, "Task_accept", accept, officer("GA", Role.WINDOW_OFFICER))
    if review:
        step(instance, "Task_review", review, officer("GA", Role.REVIEWING_OFFICER))
    assert instance.status == "completed"
    assert instance.result.get("outcome", "") == result


@pytest.mark.parametrize("order", list(itertools.permutations(["GA", "WJ", "YB"])))
def test_parallel_reviews_in_any_order(
    city: dict[str, Department], officer: Officer, order: tuple[str, ...]
) -> None:
    instance = start(upload("joint", "parallel_three.bpmn"))
    step(instance, "Task_accept", "accept", officer("MZ", Role.WINDOW_OFFICER))
    reviews = {f"Task_review_{code.lower()}": code for code in ("GA", "WJ", "YB")}
    assert set(open_tasks(instance)) == set(reviews)
    assert {t.department.code for t in open_tasks(instance).values()} == {
        "310000-GA",
        "310000-WJ",
        "310000-YB",
    }
    for done, code in enumerate(order, start=1):
        step(instance, f"Task_review_{code.lower()}", "approve", officer(code))
        if done < 3:
            assert "Task_finish" not in open_tasks(instance)
            assert len(open_tasks(instance)) == 3 - done
    assert list(open_tasks(instance)) == ["Task_finish"]
    step(instance, "Task_finish", "complete", officer("MZ", Role.WINDOW_OFFICER))
    assert instance.status == "completed"
    assert instance.result["outcomes"] == {
        "Task_accept": "accept",
        "Task_review_ga": "approve",
        "Task_review_wj": "approve",
        "Task_review_yb": "approve",
        "Task_finish": "complete",
    }


@pytest.mark.parametrize(
    ("amount", "age", "second"), [(80000, 35, True), (3000, 35, False), (3000, 16, True)]
)
def test_dmn_routing(
    city: dict[str, Department], officer: Officer, amount: int, age: int, second: bool
) -> None:
    instance = start(
        upload("subsidy", "dmn_routing.bpmn", "routing.dmn"), amount=amount, applicant_age=age
    )
    assert open_tasks(instance)["Task_accept"].department == city["310101-MZ"]
    step(instance, "Task_accept", "accept", officer("310101-MZ", Role.WINDOW_OFFICER))
    step(instance, "Task_review", "approve", officer("310101-MZ", Role.REVIEWING_OFFICER))
    if second:
        task = open_tasks(instance)["Task_second_review"]
        assert task.department == city["CZ"]
        step(instance, "Task_second_review", "approve", officer("CZ"))
    assert instance.status == "completed"


@pytest.mark.parametrize("need_seal", [True, False])
def test_company_start(city: dict[str, Department], officer: Officer, need_seal: bool) -> None:
    instance = start(
        upload("company", "company_start.bpmn"),
        company="上海某某科技有限公司",
        need_seal=need_seal,
    )
    step(instance, "Task_accept", "accept", officer("SJ", Role.WINDOW_OFFICER))
    step(instance, "Task_license", "approve", officer("SJ", Role.REVIEWING_OFFICER))
    parallel = {"Task_tax": "SW", "Task_social": "RS", "Task_fund": "GJJ"}
    if need_seal:  # 同时申请刻制公章: 公安 files the seal beside the other three
        parallel["Task_seal"] = "GA"
    assert {b: t.department.code for b, t in open_tasks(instance).items()} == {
        b: f"310000-{c}" for b, c in parallel.items()
    }
    for bpmn_id, code in parallel.items():
        assert instance.status == "running"
        step(instance, bpmn_id, "complete", officer(code, Role.WINDOW_OFFICER))
    assert instance.status == "completed"
    assert instance.tasks.filter(bpmn_id="Task_seal").exists() == need_seal


def test_company_start_rejected(city: dict[str, Department], officer: Officer) -> None:
    instance = start(upload("company", "company_start.bpmn"))
    step(instance, "Task_accept", "accept", officer("SJ", Role.WINDOW_OFFICER))
    step(instance, "Task_license", "reject", officer("SJ", Role.REVIEWING_OFFICER))
    assert instance.status == "completed"
    assert not instance.tasks.filter(bpmn_id="Task_tax").exists()


def test_newborn_in_sequence(city: dict[str, Department], officer: Officer) -> None:
    instance = start(upload("newborn", "newborn.bpmn"), child="小明")
    for bpmn_id, code in [
        ("Task_birth_certificate", "WJ"),
        ("Task_hukou", "GA"),
        ("Task_insurance", "YB"),
        ("Task_social_card", "RS"),
    ]:
        assert list(open_tasks(instance)) == [bpmn_id]
        step(instance, bpmn_id, "complete", officer(code))
    assert instance.status == "completed"


# --- versions and state -----------------------------------------------------------


def test_cases_keep_the_version_they_started_on(
    city: dict[str, Department], officer: Officer
) -> None:
    v1 = upload("permit", "single_department.bpmn")
    old = start(v1)
    text = read_process("single_department.bpmn").replace('name="审核"', 'name="复审"')
    v2 = services.upload_definition(actor=None, key="permit", name="permit", bpmn_xml=text)
    window = officer("GA", Role.WINDOW_OFFICER)
    step(old, "Task_accept", "accept", window)
    assert open_tasks(old)["Task_review"].name == "审核"
    assert old.definition == v1
    new = start(v2)
    step(new, "Task_accept", "accept", window)
    assert open_tasks(new)["Task_review"].name == "复审"


def test_stored_state_has_no_spec(city: dict[str, Department], officer: Officer) -> None:
    instance = start(upload("company", "company_start.bpmn"))
    step(instance, "Task_accept", "accept", officer("SJ", Role.WINDOW_OFFICER))
    stored = json.dumps(instance.state, ensure_ascii=False)
    assert instance.serializer_version == engine.STATE_VERSION
    assert "spec" not in instance.state
    assert "task_specs" not in stored
    assert "<bpmn" not in stored and "市场监管受理" not in stored  # no names from the file
    assert instance.state["spec_key"] == instance.definition.spec_key


def test_a_step_reads_the_process_files_only_to_parse_them(
    city: dict[str, Department], officer: Officer
) -> None:
    instance = start(upload("permit", "single_department.bpmn"))
    accept = open_tasks(instance)["Task_accept"]
    window = officer("GA", Role.WINDOW_OFFICER)
    services.claim_task(actor=window, task_id=accept.pk)
    with CaptureQueriesContext(connection) as parsed:
        services.complete_task(actor=window, task_id=accept.pk, outcome="accept")
    assert not [q["sql"] for q in parsed.captured_queries if "bpmn_xml" in q["sql"]]

    engine._cache.clear()  # another worker process, or a restarted one
    review = open_tasks(instance)["Task_review"]
    services.complete_task(actor=officer("GA"), task_id=review.pk, outcome="approve")
    instance.refresh_from_db()
    assert instance.status == "completed"


def test_revision_moves_at_every_step(city: dict[str, Department], officer: Officer) -> None:
    instance = start(upload("permit", "single_department.bpmn"))
    assert instance.revision == 1
    step(instance, "Task_accept", "accept", officer("GA", Role.WINDOW_OFFICER))
    assert instance.revision == 2


def test_a_failing_step_leaves_the_case_untouched(
    city: dict[str, Department], officer: Officer
) -> None:
    def broken(call: registry.ServiceCall) -> None:
        raise Conflict("the ledger is offline")

    registry.register("test_ledger")(broken)
    try:
        text = read_process("single_department.bpmn").replace("record_result", "test_ledger")
        definition = services.upload_definition(actor=None, key="p", name="p", bpmn_xml=text)
        instance = start(definition)
        step(instance, "Task_accept", "accept", officer("GA", Role.WINDOW_OFFICER))
        revision, state = instance.revision, instance.state
        review = open_tasks(instance)["Task_review"]
        with pytest.raises(Conflict, match="ledger"):
            complete(review, "approve", officer("GA", Role.REVIEWING_OFFICER))
        instance.refresh_from_db()
        review.refresh_from_db()
        assert (instance.revision, instance.state, review.status) == (revision, state, "ready")
        assert actions().count(("workflow.task_completed", "success")) == 1  # the acceptance
    finally:
        registry.unregister("test_ledger")


def test_timers_cancel_and_create_tasks(city: dict[str, Department], officer: Officer) -> None:
    definition = services.upload_definition(
        actor=None,
        key="timer",
        name="timer",
        bpmn_xml=(FIXTURES / "timer_escalation.bpmn").read_text(encoding="utf-8"),
    )
    now = datetime(2025, 6, 2, 1, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        instance = start(definition, cooling_off="PT1H")
        review = open_tasks(instance)["Task_review"]
        [timer] = ProcessTimer.objects.filter(instance=instance)
        assert (timer.bpmn_id, timer.task, timer.due_at) == (
            "Timer_overdue",
            review,
            now + timedelta(hours=2),
        )
        sweep.sweep(now)  # nothing due: untouched, unaudited
    instance.refresh_from_db()
    assert instance.revision == 1
    with time_machine.travel(now + timedelta(hours=3), tick=False):
        assert sweep.sweep().timers_fired == 1
        assert sweep.sweep().timers_fired == 0  # a second run changes nothing
    assert_consistent(instance)
    review.refresh_from_db()
    timer.refresh_from_db()
    assert (review.status, timer.status) == ("cancelled", "fired")
    escalated = open_tasks(instance)["Task_escalated"]
    assert escalated.department == city["root"]
    assert [a for a, _ in actions()].count("workflow.timer_fired") == 1


# --- claims -----------------------------------------------------------------------


def test_claim_release_and_complete_rules(city: dict[str, Department], officer: Officer) -> None:
    instance = start(upload("permit", "single_department.bpmn"))
    task = open_tasks(instance)["Task_accept"]
    first, second = officer("GA", Role.WINDOW_OFFICER), officer("GA", Role.WINDOW_OFFICER)
    services.claim_task(actor=first, task_id=task.pk)
    with pytest.raises(Conflict) as caught:
        services.claim_task(actor=second, task_id=task.pk)
    assert caught.value.code == "already_claimed"
    assert services.claim_task(actor=first, task_id=task.pk).claimed_by == first  # again
    assert AuditEvent.objects.filter(action="workflow.task_claimed", outcome="success").count() == 1
    with pytest.raises(Conflict) as caught:
        complete(task, "accept", second)
    assert caught.value.code == "already_claimed"
    with pytest.raises(Forbidden):
        services.release_task(actor=second, task_id=task.pk)
    services.release_task(actor=officer("GA", Role.DEPARTMENT_ADMIN), task_id=task.pk)
    services.claim_task(actor=second, task_id=task.pk)
    services.release_task(actor=second, task_id=task.pk)
    with pytest.raises(Conflict) as caught:
        services.release_task(actor=second, task_id=task.pk)
    assert caught.value.code == "not_claimed"
    complete(task, "accept", first)  # unclaimed: any officer of the lane
    # Once decided, each says the task is closed (not "not claimed").
    for act in (
        lambda: complete(task, "accept", first),
        lambda: services.claim_task(actor=first, task_id=task.pk),
        lambda: services.release_task(actor=first, task_id=task.pk),
    ):
        with pytest.raises(Conflict) as caught:
            act()
        assert caught.value.code == "task_closed"


def test_a_task_waiting_for_a_supplement_says_so_to_every_action(
    city: dict[str, Department], officer: Officer
) -> None:
    instance = start(upload("permit", "single_department.bpmn"))
    task = open_tasks(instance)["Task_accept"]
    window = officer("GA", Role.WINDOW_OFFICER)
    WorkTask.objects.filter(pk=task.pk).update(status=TaskStatus.SUSPENDED)
    for act in (
        lambda: complete(task, "accept", window),
        lambda: services.claim_task(actor=window, task_id=task.pk),
        lambda: services.release_task(actor=window, task_id=task.pk),
    ):
        with pytest.raises(Conflict) as caught:
            act()
        assert caught.value.code == "awaiting_supplement"


def test_complete_checks_outcome_and_data(city: dict[str, Department], officer: Officer) -> None:
    instance = start(upload("permit", "single_department.bpmn"))
    task = open_tasks(instance)["Task_accept"]
    window = officer("GA", Role.WINDOW_OFFICER)
    with pytest.raises(InvalidInput) as caught:
        complete(task, "approve", window)
    assert "accept, not_accepted" in str(caught.value.message)
    with pytest.raises(InvalidInput):
        complete(task, "maybe", window)
    with pytest.raises(InvalidInput) as caught:
        complete(task, "accept", window, scan="x" * (engine.MAX_DATA_BYTES + 1))
    assert "data" in caught.value.fields
    with pytest.raises(InvalidInput):
        services.start_instance(
            definition=instance.definition, data={"when": datetime.now(UTC)}, actor=None
        )


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_claims_have_one_winner() -> None:
    from onewindow.conftest import make_department
    from onewindow.identity.models import DepartmentKind

    root = make_department(code="310000", kind=DepartmentKind.CITY)
    police = make_department(code="310000-GA", parent=root)
    definition = upload("permit", "single_department.bpmn")
    instance = services.start_instance(definition=definition, data={}, actor=None)
    task = open_tasks(instance)["Task_accept"]
    officers = [make_user(roles=[(Role.WINDOW_OFFICER, police)]) for _ in range(2)]
    results: list[str] = []
    barrier = threading.Barrier(2)
    # SQLite's shared in-memory test database cannot hold two writers at once, so there
    # the claims run one after the other; on PostgreSQL they race for the row lock.
    concurrent = connection.vendor == "postgresql"

    def claim(user: User) -> None:
        try:
            if concurrent:
                barrier.wait(timeout=5)
            services.claim_task(actor=user, task_id=task.pk)
            results.append("won")
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user,)) for user in officers]
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "won"]
    task.refresh_from_db()
    assert task.status == "claimed"
    assert task.claimed_by in officers
    assert AuditEvent.objects.filter(action="workflow.task_claimed").count() == 1


def test_unknown_tasks_are_not_found(city: dict[str, Department], officer: Officer) -> None:
    with pytest.raises(NotFound):
        services.claim_task(actor=officer("GA", Role.WINDOW_OFFICER), task_id=999999)
