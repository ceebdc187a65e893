import ast
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from onewindow.workflow import engine, registry, validation
from onewindow.workflow.bundle import BundleError
from onewindow.workflow.engine import ProcessError, Run
from onewindow.workflow.registry import ServiceCall, ServiceContext
from onewindow.workflow.tests.conftest import read_malicious, read_process

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTEXT = ServiceContext()


def spec_of(name: str, *dmn: str, text: str | None = None) -> engine.ProcessSpec:
    return engine.build_spec(
        text or read_process(name), {d: read_process(d) for d in dmn}, key=f"test:{name}"
    )


def reload(run: Run) -> Run:
    """Round-trip the run through its stored form, as every service step does."""
    state = json.loads(json.dumps(engine.dump_state(run)))
    return engine.load_state(run.spec, state, version=engine.STATE_VERSION, context=CONTEXT)


def decide(run: Run, bpmn_id: str, outcome: str, **data: Any) -> Run:
    run = reload(run)
    task = next(t for t in engine.ready_user_tasks(run) if t.bpmn_id == bpmn_id)
    engine.complete_user_task(run, task.id, outcome=outcome, data=data, context=CONTEXT)
    return reload(run)


def ready(run: Run) -> list[str]:
    return sorted(t.bpmn_id for t in engine.ready_user_tasks(run))


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[ServiceCall]:
    """Replace record_result by a recorder for the test."""
    calls: list[ServiceCall] = []

    def record(call: ServiceCall) -> dict[str, bool]:
        calls.append(call)
        return {"ok": True}

    # Only the function is swapped: unregistering it dropped its label too, and a later
    # test in the same worker (test_registry's) read the bare name instead.
    monkeypatch.setitem(registry._FUNCTIONS, "record_result", record)
    return calls


def test_only_engine_imports_spiffworkflow() -> None:
    package = Path(__file__).resolve().parents[2]  # the onewindow package
    importers = []
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(name.split(".")[0] == "SpiffWorkflow" for name in names):
                importers.append(path.relative_to(package).as_posix())
    assert sorted(set(importers)) == ["workflow/engine.py"]


def test_single_department_approve_path(recorded: list[ServiceCall]) -> None:
    run = engine.start(spec_of("single_department.bpmn"), {"applicant": "张三"}, context=CONTEXT)
    [task] = engine.ready_user_tasks(run)
    assert (task.bpmn_id, task.name, task.lane) == (
        "Task_accept",
        "窗口受理",
        "310000-GA/window_officer",
    )
    assert task.outcomes == ("accept", "not_accepted")
    assert task.data == {"applicant": "张三"}
    run = decide(run, "Task_accept", "accept")
    assert ready(run) == ["Task_review"]
    run = decide(run, "Task_review", "approve", reason="材料齐全")
    assert engine.is_completed(run)
    [call] = recorded
    assert call.task_bpmn_id == "Task_record"
    assert call.data["outcomes"] == {"Task_accept": "accept", "Task_review": "approve"}
    assert call.data["reason"] == "材料齐全"


def test_not_accepted_ends_without_review(recorded: list[ServiceCall]) -> None:
    run = engine.start(spec_of("single_department.bpmn"), {}, context=CONTEXT)
    run = decide(run, "Task_accept", "not_accepted")
    assert engine.is_completed(run)
    assert recorded == []


def test_outcome_must_be_one_the_task_declares() -> None:
    run = engine.start(spec_of("single_department.bpmn"), {}, context=CONTEXT)
    [task] = engine.ready_user_tasks(run)
    with pytest.raises(ProcessError, match="accept, not_accepted"):
        engine.complete_user_task(run, task.id, outcome="approve", data={}, context=CONTEXT)


def test_only_ready_tasks_can_be_completed() -> None:
    run = engine.start(spec_of("single_department.bpmn"), {}, context=CONTEXT)
    [task] = engine.ready_user_tasks(run)
    engine.complete_user_task(run, task.id, outcome="accept", data={}, context=CONTEXT)
    for task_id in (task.id, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(ProcessError, match="not waiting"):
            engine.complete_user_task(run, task_id, outcome="accept", data={}, context=CONTEXT)


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_parallel_branches_join_after_all_three(
    order: tuple[int, int, int], recorded: list[ServiceCall]
) -> None:
    run = engine.start(spec_of("parallel_three.bpmn"), {}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    reviews = ["Task_review_ga", "Task_review_wj", "Task_review_yb"]
    assert ready(run) == reviews
    lanes = {t.bpmn_id: t.lane for t in engine.ready_user_tasks(run)}
    assert lanes == {
        "Task_review_ga": "310000-GA",
        "Task_review_wj": "310000-WJ",
        "Task_review_yb": "310000-YB",
    }
    remaining = list(reviews)
    for index in order:
        run = decide(run, reviews[index], "approve")
        remaining.remove(reviews[index])
        assert ready(run) == (remaining or ["Task_finish"])
    [finish] = engine.ready_user_tasks(run)
    assert finish.data["outcomes"] == {"Task_accept": "accept", **dict.fromkeys(reviews, "approve")}
    run = decide(run, "Task_finish", "complete")
    assert engine.is_completed(run)
    assert len(recorded) == 1


def test_corrected_data_reaches_the_open_branches_and_survives_the_join(
    recorded: list[ServiceCall],
) -> None:
    run = engine.start(spec_of("parallel_three.bpmn"), {"phone": "1"}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    run = decide(run, "Task_review_ga", "approve")  # decided on the first answer
    assert engine.update_data(run, {"phone": "2"}) >= 2  # the two open reviews, the join
    run = reload(run)
    assert {t.bpmn_id: t.data["phone"] for t in engine.ready_user_tasks(run)} == {
        "Task_review_wj": "2",
        "Task_review_yb": "2",
    }
    run = decide(run, "Task_review_wj", "approve")
    run = decide(run, "Task_review_yb", "approve")
    [finish] = engine.ready_user_tasks(run)
    assert finish.data["phone"] == "2"
    with pytest.raises(engine.TaskInputError):
        engine.update_data(run, {"photo": object()})


@pytest.mark.parametrize(
    ("amount", "age", "second_review"),
    [(60000, 30, True), (100, 10, True), (100, 40, False)],
)
def test_dmn_decides_on_a_second_review(amount: int, age: int, second_review: bool) -> None:
    spec = spec_of("dmn_routing.bpmn", "routing.dmn")
    run = engine.start(spec, {"amount": amount, "applicant_age": age}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    [review] = engine.ready_user_tasks(run)
    assert review.data["second_review"] is second_review
    run = decide(run, "Task_review", "approve")
    if second_review:
        assert ready(run) == ["Task_second_review"]
        assert engine.ready_user_tasks(run)[0].lane == "310000-CZ/reviewing_officer"
        run = decide(run, "Task_second_review", "approve")
    assert engine.is_completed(run)


def _routing_dmn(**entries: str) -> str:
    """The demo's routing table with input entries replaced, by their ids' ends."""
    text = read_process("routing.dmn")
    for ending, entry in entries.items():
        start = text.index(f'<inputEntry id="UnaryTests_{ending}">')
        opening = text.index("<text>", start) + len("<text>")
        text = text[:opening] + entry + text[text.index("</text>", opening) :]
    return text


def _second_review(dmn: str, amount: int, age: int) -> object:
    spec = engine.build_spec(read_process("dmn_routing.bpmn"), {"routing.dmn": dmn}, key="")
    run = engine.start(spec, {"amount": amount, "applicant_age": age}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    [review] = engine.ready_user_tasks(run)
    return review.data["second_review"]


@pytest.mark.parametrize(
    ("amount", "age", "second_review"),
    [
        (50000, 40, True),  # the range's ends are in it
        (1000000, 40, True),
        (1000001, 40, False),
        (100, 10, True),  # one of the listed ages
        (100, 11, False),
    ],
)
def test_camunda_lists_and_ranges_in_table_cells_decide_as_camunda_s(
    amount: int, age: int, second_review: bool
) -> None:
    """FEEL's unary tests Camunda Modeler offers, rewritten for the engine (QA: a list
    compared as a Python tuple never matched, and a range was refused)."""
    dmn = _routing_dmn(large_amount="[50000..1000000]", minor="5, 10, 15")
    assert _second_review(dmn, amount, age) is second_review


def test_a_negated_list_in_a_cell() -> None:
    dmn = _routing_dmn(minor='not(30, 40, "unknown")')
    assert (_second_review(dmn, 100, 40), _second_review(dmn, 100, 41)) == (False, True)


def _without_rule(dmn: str, rule_id: str) -> str:
    start = dmn.index(f'<rule id="{rule_id}">')
    return dmn[:start] + dmn[dmn.index("</rule>", start) + len("</rule>") :]


def test_under_unique_one_matching_rule_decides_and_two_stop_the_run() -> None:
    """As Camunda's engine does (DMN-03001); SpiffWorkflow took the first match, as under
    FIRST, whatever the policy said."""
    dmn = read_process("routing.dmn").replace('hitPolicy="FIRST"', 'hitPolicy="UNIQUE"')
    dmn = _without_rule(dmn, "Rule_default")  # a catch-all is refused under UNIQUE
    assert _second_review(dmn, 100, 40) is None  # no rule
    assert _second_review(dmn, 60000, 40) is True  # the first rule alone
    with pytest.raises(ProcessError) as caught:
        _second_review(dmn, 60000, 10)  # a large amount, and a minor
    assert caught.value.element == "Task_rules"
    assert (
        "Decision table DecisionTable_routing: its hit policy UNIQUE lets one rule match, and "
        "rules 1, 2 match the data; make the rules exclude each other, or choose the hit "
        "policy FIRST."
    ) in caught.value.detail


def test_a_stored_unique_table_with_a_catch_all_row_stops_only_on_an_overlap() -> None:
    """Refused at upload (``decisions.unique_overlaps``), a version stored before loads
    for its runs: data only the catch-all matches decides, more stops the run."""
    dmn = read_process("routing.dmn").replace('hitPolicy="FIRST"', 'hitPolicy="UNIQUE"')
    bpmn = read_process("dmn_routing.bpmn")
    with pytest.raises(BundleError):
        engine.build_spec(bpmn, {"routing.dmn": dmn})
    spec = engine.build_spec(bpmn, {"routing.dmn": dmn}, key="stored", stored=True)
    run = decide(
        engine.start(spec, {"amount": 100, "applicant_age": 40}, context=CONTEXT),
        "Task_accept",
        "accept",
    )
    assert engine.ready_user_tasks(run)[0].data["second_review"] is False
    run = engine.start(spec, {"amount": 60000, "applicant_age": 40}, context=CONTEXT)
    with pytest.raises(ProcessError, match="rules 1, 3 match the data"):
        decide(run, "Task_accept", "accept")


def test_a_decision_no_rule_matches_gives_none_and_the_gateway_takes_its_default() -> None:
    """As Camunda's engine does (QA: the gateway after it stopped on a missing name)."""
    dmn = _without_rule(read_process("routing.dmn"), "Rule_default")
    spec = engine.build_spec(read_process("dmn_routing.bpmn"), {"routing.dmn": dmn}, key="")
    run = engine.start(spec, {"amount": 100, "applicant_age": 40}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    [review] = engine.ready_user_tasks(run)
    assert (review.data["second_review"], review.data["fee"]) == (None, None)
    run = decide(run, "Task_review", "approve")
    assert engine.is_completed(run)


def test_a_dmn_file_with_another_prefix_and_several_decisions_loads() -> None:
    """Trisotech and Signavio save ``semantic:``; Camunda's examples keep several
    decisions in one file. SpiffWorkflow read neither (an XPath error was a 500)."""
    text = read_process("routing.dmn")
    other = (
        '<decision id="other" name="其他"><decisionTable id="T_other">'
        '<input id="I_o"><inputExpression id="E_o"><text>amount</text></inputExpression></input>'
        '<output id="O_o" name="other"/></decisionTable></decision>'
    )
    text = text.replace('  <decision id="routing"', other + '<decision id="routing"')
    root = text.index("<definitions")
    head, body = text[:root], text[root:]
    body = body.replace("<", "<semantic:").replace("<semantic:/", "</semantic:")
    body = body.replace("<semantic:dmndi:", "<dmndi:").replace("</semantic:dmndi:", "</dmndi:")
    body = body.replace("<semantic:dc:", "<dc:").replace("</semantic:dc:", "</dc:")
    body = body.replace(
        'xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"',
        'xmlns:semantic="https://www.omg.org/spec/DMN/20191111/MODEL/"',
    )
    dmn = head + body
    assert "<semantic:decision" in dmn and "<decision" not in dmn
    assert _second_review(dmn, 60000, 30) is True
    assert _second_review(dmn, 100, 40) is False


def test_an_engine_failure_on_checked_files_is_a_refusal_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreadable(root: Any) -> list[Any]:
        raise AttributeError("'list' object has no attribute 'tag'")

    monkeypatch.setattr(engine.decisions, "for_engine", unreadable)
    with pytest.raises(BundleError) as refused:
        spec_of("dmn_routing.bpmn", "routing.dmn")
    [problem] = refused.value.problems
    assert str(problem.message) == (
        "The process cannot be loaded: the workflow engine could not read it (AttributeError)."
    )


def test_camunda_decision_ref_and_spiff_service_operator_both_work(
    recorded: list[ServiceCall],
) -> None:
    text = (
        read_process("dmn_routing.bpmn")
        .replace("<spiffworkflow:calledDecisionId>routing</spiffworkflow:calledDecisionId>", "")
        .replace('name="判定复核要求"', 'name="判定复核要求" camunda:decisionRef="routing"')
        .replace(
            'camunda:type="external" camunda:topic="record_result">\n'
            "      <bpmn:extensionElements>",
            "><bpmn:extensionElements>"
            '<spiffworkflow:serviceTaskOperator id="record_result">'
            "<spiffworkflow:parameters>"
            '<spiffworkflow:parameter id="outcome" type="str" value="\'approved_by_rule\'"/>'
            "</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>",
        )
    )
    assert "camunda:decisionRef" in text
    assert "serviceTaskOperator" in text
    spec = spec_of("variant.bpmn", "routing.dmn", text=text)
    run = engine.start(spec, {"amount": 10, "applicant_age": 50}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    run = decide(run, "Task_review", "approve")
    assert engine.is_completed(run)
    assert recorded[0].params == {"outcome": "approved_by_rule"}


def test_company_start_and_newborn_run_to_the_end(recorded: list[ServiceCall]) -> None:
    run = engine.start(spec_of("company_start.bpmn"), {"need_seal": False}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    run = decide(run, "Task_license", "approve")
    assert ready(run) == ["Task_fund", "Task_social", "Task_tax"]
    for bpmn_id in ("Task_social", "Task_tax", "Task_fund"):
        run = decide(run, bpmn_id, "complete")
    assert engine.is_completed(run)

    run = engine.start(spec_of("newborn.bpmn"), {}, context=CONTEXT)
    steps = [
        ("Task_birth_certificate", "310000-WJ"),
        ("Task_hukou", "310000-GA"),
        ("Task_insurance", "310000-YB"),
        ("Task_social_card", "310000-RS"),
    ]
    for bpmn_id, lane in steps:
        [task] = engine.ready_user_tasks(run)
        assert (task.bpmn_id, task.lane) == (bpmn_id, lane)
        run = decide(run, bpmn_id, "complete")
    assert engine.is_completed(run)
    assert len(recorded) == 2


def test_company_start_asks_the_police_for_the_seal_in_parallel(
    recorded: list[ServiceCall],
) -> None:
    # The form's box 同时申请刻制公章 (need_seal): 公安 files the free seal beside the
    # other three departments, and the join waits for it too.
    run = engine.start(spec_of("company_start.bpmn"), {"need_seal": True}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    run = decide(run, "Task_license", "approve")
    assert ready(run) == ["Task_fund", "Task_seal", "Task_social", "Task_tax"]
    [seal] = [t for t in engine.ready_user_tasks(run) if t.bpmn_id == "Task_seal"]
    assert (seal.name, seal.lane, seal.outcomes) == ("公章刻制备案", "310000-GA", ("complete",))
    for bpmn_id in ("Task_social", "Task_tax", "Task_fund"):
        run = decide(run, bpmn_id, "complete")
    assert ready(run) == ["Task_seal"] and not recorded
    run = decide(run, "Task_seal", "complete")
    assert engine.is_completed(run)
    [call] = recorded
    assert call.task_bpmn_id == "Task_record"
    assert call.data["outcomes"]["Task_license"] == "approve"


def test_company_start_without_need_seal_names_it() -> None:
    # Filing always gives the box (unticked: False); a run started without it stops at
    # the gateway saying what it lacked, rather than skipping the seal unannounced.
    run = engine.start(spec_of("company_start.bpmn"), {}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    with pytest.raises(ProcessError) as stopped:
        decide(run, "Task_license", "approve")
    assert stopped.value.element == "Gateway_seal"
    assert stopped.value.failure is not None and "need_seal" in stopped.value.failure.missing


def test_state_has_no_spec_and_is_much_smaller_than_the_default() -> None:
    run = engine.start(
        spec_of("company_start.bpmn"),
        {"company": "某某科技有限公司", "need_seal": True},
        context=CONTEXT,
    )
    run = decide(run, "Task_accept", "accept")
    run = decide(run, "Task_license", "approve")
    text = json.dumps(engine.dump_state(run), ensure_ascii=False)
    assert "spec" not in engine.dump_state(run)
    for fragment in ("task_specs", "bpmn:", "<?xml", 'Gateway_split": {', "outgoing_task_specs"):
        assert fragment not in text
    # The spec is most of a small process's state; here about 45 % of SpiffWorkflow's.
    assert len(text.encode()) < 0.6 * engine.default_state_size(run)


def test_state_loads_whatever_the_key_order() -> None:
    """PostgreSQL's jsonb sorts object keys; task data must survive any order."""
    run = engine.start(spec_of("parallel_three.bpmn"), {"amount": 7}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    state = json.loads(json.dumps(engine.dump_state(run), sort_keys=True))
    loaded = engine.load_state(run.spec, state, version=engine.STATE_VERSION, context=CONTEXT)
    assert [t.data["amount"] for t in engine.ready_user_tasks(loaded)] == [7, 7, 7]


def test_state_refuses_the_wrong_spec_and_unknown_versions() -> None:
    run = engine.start(spec_of("single_department.bpmn"), {}, context=CONTEXT)
    state = engine.dump_state(run)
    other = spec_of("newborn.bpmn")
    with pytest.raises(ProcessError, match="another process version"):
        engine.load_state(other, state, version=engine.STATE_VERSION, context=CONTEXT)
    with pytest.raises(ProcessError, match="newer version"):
        engine.load_state(run.spec, state, version=engine.STATE_VERSION + 1, context=CONTEXT)
    assert engine.load_state(run.spec, state, version=engine.STATE_VERSION, context=CONTEXT)


def test_state_keeps_dates_and_decimals_that_scripts_compute() -> None:
    run = engine.start(
        spec_of("subprocess.bpmn", text=(FIXTURES / "subprocess.bpmn").read_text()),
        {"points": [4, 8]},
        context=CONTEXT,
    )
    run.spec  # noqa: B018 - the run keeps its spec
    state = json.dumps(engine.dump_state(run))
    assert json.loads(state)
    [task] = engine.ready_user_tasks(reload(run))
    assert (task.bpmn_id, task.lane) == ("Task_inner", "310000-GA/reviewing_officer")
    assert (task.data["score"], task.data["level"]) == (12, "high")


def test_task_data_must_be_small_plain_json() -> None:
    spec = spec_of("single_department.bpmn")
    with pytest.raises(ProcessError, match="plain JSON"):
        engine.start(spec, {"file": b"%PDF-1.7"}, context=CONTEXT)
    with pytest.raises(ProcessError, match="limited"):
        engine.start(spec, {"scan": "x" * (engine.MAX_DATA_BYTES + 1)}, context=CONTEXT)


def test_timers_wait_for_the_host_not_the_wall_clock() -> None:
    spec = spec_of("timer.bpmn", text=(FIXTURES / "timer_escalation.bpmn").read_text())
    start = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        run = engine.start(spec, {"cooling_off": "PT1H"}, context=CONTEXT)
    [timer] = engine.waiting_timers(run)
    review = engine.ready_user_tasks(run)[0]
    assert (timer.bpmn_id, timer.value, timer.armed_at) == ("Timer_overdue", "PT2H", start)
    assert timer.attached_task_id == review.id
    assert engine.timer_schedule(timer) == engine.TimerSchedule(at=start + timedelta(hours=2))
    # Long after the wall-clock target, a step of the run leaves the held timer alone.
    with time_machine.travel(start + timedelta(days=30), tick=False):
        run = reload(run)
        engine.complete_user_task(run, review.id, outcome="approve", data={}, context=CONTEXT)
        run = reload(run)
    assert [t.bpmn_id for t in engine.waiting_timers(run)] == ["Timer_cooling_off"]
    assert not engine.is_completed(run)


def test_fire_timer_fires_the_one_named() -> None:
    spec = spec_of("timer.bpmn", text=(FIXTURES / "timer_escalation.bpmn").read_text())
    run = engine.start(spec, {"cooling_off": "PT1H"}, context=CONTEXT)
    [timer] = engine.waiting_timers(run)
    engine.fire_timer(run, timer.id, context=CONTEXT)
    run = reload(run)
    assert ready(run) == ["Task_escalated"]
    assert engine.ready_user_tasks(run)[0].lane == "310000"
    assert engine.waiting_timers(run) == []
    with pytest.raises(ProcessError, match="no longer waiting"):
        engine.fire_timer(run, timer.id, context=CONTEXT)


def test_fire_due_timers_reads_the_wall_clock() -> None:
    spec = spec_of("timer.bpmn", text=(FIXTURES / "timer_escalation.bpmn").read_text())
    start = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        run = engine.start(spec, {"cooling_off": "PT1H"}, context=CONTEXT)
        run = decide(run, "Task_review", "approve")
    assert not engine.is_completed(run) and ready(run) == []
    later = start + timedelta(minutes=59)
    assert engine.fire_due_timers(run, now=later, context=CONTEXT) == []
    later = start + timedelta(minutes=61)
    assert engine.fire_due_timers(run, now=later, context=CONTEXT) == ["Timer_cooling_off"]
    assert engine.is_completed(run)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("P3D", engine.TimerSchedule(working_days=3)),
        ("P2W", engine.TimerSchedule(working_days=14)),
        ("PT90M", engine.TimerSchedule(at=datetime(2026, 3, 2, 2, 30, tzinfo=UTC))),
        ("P1DT1H", engine.TimerSchedule(at=datetime(2026, 3, 3, 2, 0, tzinfo=UTC))),
        ("P1M", engine.TimerSchedule(at=datetime(2026, 4, 2, 1, 0, tzinfo=UTC))),
        (
            "2026-05-01T09:00:00+08:00",
            engine.TimerSchedule(at=datetime(2026, 5, 1, 1, 0, tzinfo=UTC)),
        ),
    ],
)
def test_timer_schedule_counts_whole_days_as_working_days(
    value: str, expected: engine.TimerSchedule
) -> None:
    armed = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    timer = engine.WaitingTimer(
        id="t", bpmn_id="Timer_1", attached_task_id="", value=value, armed_at=armed
    )
    assert engine.timer_schedule(timer) == expected


def test_timer_schedule_refuses_what_is_not_iso_8601() -> None:
    armed = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    timer = engine.WaitingTimer(
        id="t", bpmn_id="Timer_1", attached_task_id="", value="soon", armed_at=armed
    )
    with pytest.raises(ProcessError, match="Timer_1"):
        engine.timer_schedule(timer)


def test_spec_cache_parses_once_per_key() -> None:
    text = read_process("newborn.bpmn")
    first = engine.spec_for("cache:1", text, {})
    assert engine.spec_for("cache:1", text, {}) is first
    assert engine.spec_for("cache:2", text, {}) is not first


def test_bpmn_io_files_load_without_a_pool_and_marked_not_executable() -> None:
    text = read_process("single_department.bpmn")
    start, end = text.index("<bpmn:collaboration"), text.index("</bpmn:collaboration>")
    text = text[:start] + text[end + len("</bpmn:collaboration>") :]
    text = text.replace('isExecutable="true"', 'isExecutable="false"')
    run = engine.start(spec_of("bpmnio.bpmn", text=text), {}, context=CONTEXT)
    assert ready(run) == ["Task_accept"]


def test_a_failing_platform_function_stops_the_step() -> None:
    def broken(call: ServiceCall) -> None:
        raise RuntimeError("ledger offline")

    registry.register("test_broken")(broken)
    try:
        text = read_process("newborn.bpmn").replace(
            'camunda:topic="record_result"', 'camunda:topic="test_broken"'
        )
        run = engine.start(spec_of("broken.bpmn", text=text), {}, context=CONTEXT)
        for bpmn_id in ("Task_birth_certificate", "Task_hukou", "Task_insurance"):
            run = decide(run, bpmn_id, "complete")
        [task] = engine.ready_user_tasks(run)
        with pytest.raises(RuntimeError, match="ledger offline"):
            engine.complete_user_task(run, task.id, outcome="complete", data={}, context=CONTEXT)
    finally:
        registry.unregister("test_broken")


def test_sandbox_holds_even_if_upload_checks_were_skipped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Defence in depth: with the upload's expression checks switched off, the hostile
    condition reaches SpiffWorkflow, and the sandbox still refuses to run it."""
    monkeypatch.setattr(validation._Checker, "expression", lambda *args: None)
    pwned = tmp_path / "pwned"
    spec = spec_of("evil.bpmn", text=read_malicious("import_condition.bpmn", pwned))
    run = engine.start(spec, {}, context=CONTEXT)
    [task] = engine.ready_user_tasks(run)
    with pytest.raises(ProcessError, match=r"Gateway_1|Flow_cond"):
        engine.complete_user_task(run, task.id, outcome="accept", data={}, context=CONTEXT)
    assert not pwned.exists()
    for fixture in ("subclasses_script.bpmn", "open_file.bpmn", "format_escape.bpmn"):
        spec = spec_of(fixture, text=read_malicious(fixture, pwned))
        with pytest.raises(ProcessError, match="Task_2"):
            engine.start(spec, {}, context=CONTEXT)


@pytest.mark.parametrize(
    "fixture", ["costly_loop.bpmn", "huge_power.bpmn", "huge_text.bpmn", "shared_doubling.bpmn"]
)
def test_a_costly_expression_fails_its_step_instead_of_holding_the_process(fixture) -> None:
    spec = spec_of(fixture, text=read_malicious(fixture))
    with pytest.raises(ProcessError, match="Task_2") as caught:
        engine.start(spec, {}, context=CONTEXT)
    assert "is over what a process expression may use" in caught.value.detail


def test_reloaded_runs_evaluate_in_the_sandbox() -> None:
    # str.format is fine in Python and refused by the sandbox's guarded getattr, so this
    # condition tells which evaluator a reloaded run uses.
    text = read_process("single_department.bpmn").replace(
        'outcome == "approve"', 'outcome == "{0}".format("approve")'
    )
    run = engine.start(spec_of("fmt.bpmn", text=text), {}, context=CONTEXT)
    run = decide(run, "Task_accept", "accept")
    with pytest.raises(ProcessError, match="Gateway_decision"):
        decide(run, "Task_review", "approve")


def test_bundle_errors_name_the_file() -> None:
    with pytest.raises(BundleError) as caught:
        engine.build_spec(read_process("dmn_routing.bpmn"), {"routing.dmn": "<definitions"})
    [problem] = caught.value.problems
    assert problem.source == "routing.dmn"
    assert "not well-formed XML (line 1, column " in str(problem.message)


def test_bundle_errors_give_each_element_its_name_in_the_diagram() -> None:
    with pytest.raises(BundleError) as caught:
        engine.build_spec(read_malicious("send_task.bpmn"), {})
    [problem] = caught.value.problems
    assert (problem.element_id, problem.name) == ("Task_2", "发送通知")
