"""The stored state: version 1 states still load, and leaving out the finished tasks no
live task needs changes nothing a run does — checked step by step against the same
run kept in memory, on every demo process and the timer and subprocess fixtures."""

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from onewindow.workflow import engine, state
from onewindow.workflow.bench import sequential_bpmn
from onewindow.workflow.engine import Run
from onewindow.workflow.registry import ServiceContext
from onewindow.workflow.tests.conftest import read_process

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTEXT = ServiceContext()
# SpiffWorkflow's TaskState bits for COMPLETED, ERROR and CANCELLED (only the engine
# imports SpiffWorkflow).
FINISHED_MASK = 64 | 128 | 256


def spec_of(name: str, *dmn: str, text: str | None = None) -> engine.ProcessSpec:
    return engine.build_spec(
        text or read_process(name), {d: read_process(d) for d in dmn}, key=f"test:{name}"
    )


def stored(run: Run) -> Run:
    text = json.dumps(engine.dump_state(run), sort_keys=True)  # jsonb sorts keys
    return engine.load_state(
        run.spec, json.loads(text), version=engine.STATE_VERSION, context=CONTEXT
    )


def seen(run: Run) -> tuple[Any, ...]:
    """Everything a caller can observe of a run."""
    tasks = sorted(
        (t.bpmn_id, t.lane, t.outcomes, json.dumps(t.data, sort_keys=True, default=str))
        for t in engine.ready_user_tasks(run)
    )
    data = json.dumps(run._workflow.data, sort_keys=True, default=str)
    return (tuple(tasks), engine.is_completed(run), data)


def complete(run: Run, bpmn_id: str, outcome: str, data: dict[str, Any]) -> None:
    task = next(t for t in engine.ready_user_tasks(run) if t.bpmn_id == bpmn_id)
    engine.complete_user_task(run, task.id, outcome=outcome, data=data, context=CONTEXT)


def in_lockstep(memory: Run, steps: list[tuple[str, str]]) -> Run:
    """Walk ``steps`` on the run kept in memory and on its stored copy, reloaded at
    every step; after each they must look the same."""
    persisted = stored(memory)
    assert seen(persisted) == seen(memory)
    for number, (bpmn_id, outcome) in enumerate(steps):
        data = {"step": number, "notes": [bpmn_id]}
        complete(memory, bpmn_id, outcome, data)
        complete(persisted, bpmn_id, outcome, data)
        persisted = stored(persisted)
        assert seen(persisted) == seen(memory), f"after {bpmn_id}"
    return persisted


ACCEPT = ("Task_accept", "accept")
REVIEWS = [("Task_review_ga", "approve"), ("Task_review_wj", "approve")]
FINISH = ("Task_finish", "complete")
PATHS = {
    "single approved": ("single_department.bpmn", [ACCEPT, ("Task_review", "approve")]),
    "single rejected": ("single_department.bpmn", [ACCEPT, ("Task_review", "reject")]),
    "single not accepted": ("single_department.bpmn", [("Task_accept", "not_accepted")]),
    "parallel": (
        "parallel_three.bpmn",
        [ACCEPT, *REVIEWS, ("Task_review_yb", "reject"), FINISH],
    ),
    "parallel, other order": (
        "parallel_three.bpmn",
        [ACCEPT, ("Task_review_yb", "approve"), *reversed(REVIEWS), FINISH],
    ),
    "company": (
        "company_start.bpmn",
        [
            ("Task_accept", "accept"),
            ("Task_license", "approve"),
            ("Task_tax", "complete"),
            ("Task_seal", "complete"),
            ("Task_fund", "complete"),
            ("Task_social", "complete"),
        ],
    ),
    "company, no seal": (
        "company_start.bpmn",
        [
            ("Task_accept", "accept"),
            ("Task_license", "approve"),
            ("Task_tax", "complete"),
            ("Task_fund", "complete"),
            ("Task_social", "complete"),
        ],
    ),
    "newborn": (
        "newborn.bpmn",
        [
            ("Task_birth_certificate", "complete"),
            ("Task_hukou", "complete"),
            ("Task_insurance", "complete"),
            ("Task_social_card", "complete"),
        ],
    ),
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_stored_runs_behave_like_runs_in_memory(path: str) -> None:
    name, steps = PATHS[path]
    # The company form's box 同时申请刻制公章: the seal's step runs only when ticked.
    need_seal = any(bpmn_id == "Task_seal" for bpmn_id, _outcome in steps)
    data = {"amount": 7, "applicant": "王小明", "need_seal": need_seal}
    memory = engine.start(spec_of(name), data, context=CONTEXT)
    persisted = in_lockstep(memory, steps)
    assert engine.is_completed(persisted)


@pytest.mark.parametrize(("amount", "age"), [(60000, 30), (100, 40)])
def test_stored_runs_follow_decision_tables_like_runs_in_memory(amount: int, age: int) -> None:
    spec = spec_of("dmn_routing.bpmn", "routing.dmn")
    memory = engine.start(spec, {"amount": amount, "applicant_age": age}, context=CONTEXT)
    steps = [("Task_accept", "accept"), ("Task_review", "approve")]
    if amount > 50000:
        steps.append(("Task_second_review", "approve"))
    assert engine.is_completed(in_lockstep(memory, steps))


def test_stored_runs_keep_subprocesses() -> None:
    spec = spec_of("subprocess.bpmn", text=(FIXTURES / "subprocess.bpmn").read_text())
    memory = engine.start(spec, {"points": [4, 8]}, context=CONTEXT)
    persisted = in_lockstep(memory, [("Task_inner", "approve")])
    assert engine.is_completed(persisted)


@pytest.mark.parametrize("escalate", [True, False])
def test_stored_runs_keep_timers(escalate: bool) -> None:
    spec = spec_of("timer.bpmn", text=(FIXTURES / "timer_escalation.bpmn").read_text())
    start = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        memory = engine.start(spec, {"cooling_off": "PT1H"}, context=CONTEXT)
        persisted = stored(memory)
        if not escalate:
            persisted = in_lockstep(memory, [("Task_review", "approve")])
    later = start + timedelta(hours=2, seconds=1)
    with time_machine.travel(later, tick=False):
        engine.fire_due_timers(memory, now=later, context=CONTEXT)
        persisted = stored(persisted)
        engine.fire_due_timers(persisted, now=later, context=CONTEXT)
        assert seen(stored(persisted)) == seen(memory)
    if escalate:
        assert [t.bpmn_id for t in engine.ready_user_tasks(memory)] == ["Task_escalated"]
        with time_machine.travel(later, tick=False):
            in_lockstep(memory, [("Task_escalated", "approve")])
    else:
        assert engine.is_completed(memory) and engine.is_completed(persisted)


def test_finished_tasks_do_not_pile_up_in_the_state() -> None:
    spec = engine.build_spec(sequential_bpmn(40), {}, key="test:long")
    run = engine.start(spec, {}, context=CONTEXT)
    for step in range(1, 41):
        run = stored(run)
        dumped = engine.dump_state(run)
        finished = [t for t in dumped["tasks"] if t["state"] & FINISHED_MASK]
        # the root and the task just completed (the next one's parent)
        assert len(finished) <= 2, step
        complete(run, f"Task_{step}", "approve", {})
    assert engine.is_completed(run)
    outcomes = stored(run)._workflow.data["outcomes"]
    assert len(outcomes) == 40


def test_loading_leaves_the_given_state_untouched() -> None:
    run = engine.start(spec_of("parallel_three.bpmn"), {"amount": 7}, context=CONTEXT)
    complete(run, "Task_accept", "accept", {"tags": ["a"]})
    given = json.loads(json.dumps(engine.dump_state(run)))
    before = copy.deepcopy(given)
    loaded = engine.load_state(run.spec, given, version=engine.STATE_VERSION, context=CONTEXT)
    complete(loaded, "Task_review_ga", "approve", {"tags": ["b"]})
    engine.dump_state(loaded)
    assert given == before


def version_1(name: str) -> dict[str, Any]:
    states = json.loads((FIXTURES / "state_v1.json").read_text(encoding="utf-8"))
    return dict(states[name])


def test_version_1_states_still_load_and_run_on() -> None:
    """A parallel run stored by version 1 (keys sorted, as jsonb returns them) after
    acceptance and the police bureau's approval."""
    spec = spec_of("parallel_three.bpmn")
    run = engine.load_state(spec, version_1("parallel_three"), version=1, context=CONTEXT)
    ready = {t.bpmn_id: t for t in engine.ready_user_tasks(run)}
    assert sorted(ready) == ["Task_review_wj", "Task_review_yb"]
    assert ready["Task_review_wj"].data["amount"] == 7
    run = stored(run)
    complete(run, "Task_review_wj", "approve", {})
    run = stored(run)
    complete(run, "Task_review_yb", "approve", {})
    [finish] = engine.ready_user_tasks(stored(run))
    assert finish.data["note"] == "ok"
    assert finish.data["outcomes"] == {
        "Task_accept": "accept",
        "Task_review_ga": "approve",
        "Task_review_wj": "approve",
        "Task_review_yb": "approve",
    }


def test_version_1_subprocess_states_still_load() -> None:
    spec = spec_of("subprocess.bpmn", text=(FIXTURES / "subprocess.bpmn").read_text())
    run = engine.load_state(spec, version_1("subprocess"), version=1, context=CONTEXT)
    [task] = engine.ready_user_tasks(run)
    assert (task.bpmn_id, task.data["score"], task.data["level"]) == ("Task_inner", 12, "high")
    complete(run, "Task_inner", "approve", {})
    assert engine.is_completed(stored(run))


def test_migration_from_version_1_is_a_new_dict() -> None:
    old = version_1("parallel_three")
    before = copy.deepcopy(old)
    new = state.from_version_1(old)
    assert old == before
    assert isinstance(new["tasks"], list) and "root" not in new
    ids = [t["id"] for t in new["tasks"]]
    assert ids[0] == old["root"] and len(ids) == len(old["tasks"])
    for position, task in enumerate(new["tasks"]):
        assert "parent" not in task or task["parent"] in ids[:position]
