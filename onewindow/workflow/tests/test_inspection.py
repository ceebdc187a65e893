"""Where a run stands: element states from the engine, and the diagram built on them."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role
from onewindow.workflow import engine, queries, registry, services
from onewindow.workflow.engine import Run
from onewindow.workflow.models import ProcessInstance
from onewindow.workflow.registry import ServiceCall, ServiceContext
from onewindow.workflow.tests.conftest import complete, open_tasks, read_process, upload

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTEXT = ServiceContext()
REVIEWS = ("Task_review_ga", "Task_review_wj", "Task_review_yb")


def start(text: str, **data: Any) -> Run:
    spec = engine.build_spec(text, {}, key=f"inspection:{hash(text)}")
    return engine.start(spec, data, context=CONTEXT)


def decide(run: Run, bpmn_id: str, outcome: str) -> Run:
    """Decide a ready task, then reload the run from its stored form, as services do."""
    task = next(t for t in engine.ready_user_tasks(run) if t.bpmn_id == bpmn_id)
    engine.complete_user_task(run, task.id, outcome=outcome, data={}, context=CONTEXT)
    state = json.loads(json.dumps(engine.dump_state(run)))
    return engine.load_state(run.spec, state, version=engine.STATE_VERSION, context=CONTEXT)


def with_state(states: dict[str, str], state: str) -> set[str]:
    return {bpmn_id for bpmn_id, s in states.items() if s == state}


def test_parallel_three_after_acceptance() -> None:
    run = decide(start(read_process("parallel_three.bpmn")), "Task_accept", "accept")
    states = engine.element_states(run)
    assert with_state(states, "completed") == {
        "StartEvent_1",
        "Task_accept",
        "Gateway_accepted",
        "Gateway_split",
    }
    assert with_state(states, "current") == set(REVIEWS)
    # Remaining: neither completed nor current; the branch not taken is absent too.
    for remaining in ("Gateway_join", "Task_finish", "Task_record", "EndEvent_not_accepted"):
        assert remaining not in states
    assert set(states.values()) == {"completed", "current"}


def test_a_join_waiting_for_the_other_branches_is_current() -> None:
    run = decide(start(read_process("parallel_three.bpmn")), "Task_accept", "accept")
    run = decide(run, "Task_review_ga", "approve")
    states = engine.element_states(run)
    assert states["Task_review_ga"] == "completed"
    assert states["Gateway_join"] == "current"
    assert with_state(states, "current") == {"Gateway_join", "Task_review_wj", "Task_review_yb"}


def test_after_the_end_the_path_taken_is_completed_and_nothing_is_current() -> None:
    run = decide(start(read_process("parallel_three.bpmn")), "Task_accept", "not_accepted")
    assert engine.is_completed(run)
    states = engine.element_states(run)
    assert states == {
        "StartEvent_1": "completed",
        "Task_accept": "completed",
        "Gateway_accepted": "completed",
        "EndEvent_not_accepted": "completed",
    }


def test_a_waiting_timer_and_a_running_subprocess_are_current() -> None:
    timer = engine.element_states(start((FIXTURES / "timer_escalation.bpmn").read_text()))
    # A boundary timer standing by on the current task is not a step of its own.
    assert timer == {"StartEvent_1": "completed", "Task_review": "current"}
    assert "Task_escalated" not in timer
    nested = engine.element_states(start((FIXTURES / "subprocess.bpmn").read_text(), points=[1, 2]))
    assert nested["SubProcess_review"] == nested["Task_inner"] == "current"
    assert nested["Task_score"] == "completed"


def test_the_ends_reached_are_the_process_s_own() -> None:
    refused = decide(start(read_process("parallel_three.bpmn")), "Task_accept", "not_accepted")
    assert engine.ends_reached(refused) == ["EndEvent_not_accepted"]
    nested = start((FIXTURES / "subprocess.bpmn").read_text(), points=[1, 2])
    assert engine.ends_reached(nested) == []  # still running
    # A subprocess's end event ends the subprocess, not the process.
    nested = decide(nested, "Task_inner", "complete")
    assert engine.is_completed(nested)
    assert engine.ends_reached(nested) == ["EndEvent_1"]


# --- diagram_of, on stored instances --------------------------------------------------


@pytest.fixture
def reviewers(officer: Callable[..., User]) -> dict[str, User]:
    return {
        "MZ": officer("MZ", Role.WINDOW_OFFICER),
        **{code: officer(code) for code in ("GA", "WJ", "YB")},
    }


@pytest.fixture
def accepted(reviewers: dict[str, User]) -> ProcessInstance:
    """A parallel_three run the window has accepted."""
    instance = services.start_instance(
        definition=upload("joint", "parallel_three.bpmn"), data={}, actor=None
    )
    complete(open_tasks(instance)["Task_accept"], "accept", reviewers["MZ"])
    return instance


def test_diagram_of_an_accepted_parallel_case(
    city: dict[str, Department], reviewers: dict[str, User], accepted: ProcessInstance
) -> None:
    instance = accepted
    complete(open_tasks(instance)["Task_review_ga"], "approve", reviewers["GA"])
    instance.refresh_from_db()
    revision = instance.revision
    diagram = queries.diagram_of(instance)
    assert diagram.xml == read_process("parallel_three.bpmn")
    assert diagram.completed == [
        "StartEvent_1",
        "Task_accept",
        "Gateway_accepted",
        "Gateway_split",
        "Task_review_ga",
    ]
    assert [(c.bpmn_id, c.holder_department_code) for c in diagram.current] == [
        ("Task_review_wj", "310000-WJ"),
        ("Task_review_yb", "310000-YB"),
        ("Gateway_join", ""),
    ]
    wj = diagram.current[0]
    assert (wj.department_name, wj.department_name_en) == (city["WJ"].name, city["WJ"].name_en)
    assert diagram.taken_flows == [
        "Flow_start",
        "Flow_to_gw1",
        "Flow_accepted",
        "Flow_ga",
        "Flow_wj",
        "Flow_yb",
        "Flow_ga_done",
    ]
    assert list(diagram.activities) == [
        "Task_accept",
        "Task_review_ga",
        "Task_review_wj",
        "Task_review_yb",
        "Task_finish",
        "Task_record",
    ]
    assert diagram.activities["Task_review_wj"] == "卫健审核"
    instance.refresh_from_db()
    assert instance.revision == revision  # read only: nothing saved


def test_diagram_of_a_finished_case_has_nothing_current(
    reviewers: dict[str, User], accepted: ProcessInstance
) -> None:
    instance = accepted
    for review in REVIEWS:
        complete(open_tasks(instance)[review], "approve", reviewers[review[-2:].upper()])
    complete(open_tasks(instance)["Task_finish"], "complete", reviewers["MZ"])
    instance.refresh_from_db()
    diagram = queries.diagram_of(instance)
    assert diagram.current == []
    assert "EndEvent_done" in diagram.completed and "Task_record" in diagram.completed
    assert "EndEvent_not_accepted" not in diagram.completed
    assert "Flow_not_accepted" not in diagram.taken_flows
    assert len(diagram.taken_flows) == 12  # every flow but the one to 不予受理


def test_diagram_of_refuses_a_definition_that_no_longer_loads(city: dict[str, Department]) -> None:
    def temporary(call: ServiceCall) -> None:
        return None

    registry.register("test_diagram_temporary")(temporary)
    text = (
        read_process("single_department.bpmn")
        .replace("record_result", "test_diagram_temporary")
        .replace('name="单部门审批"', 'name="diagram of a removed function"')
    )
    definition = services.upload_definition(actor=None, key="gone", name="gone", bpmn_xml=text)
    instance = services.start_instance(definition=definition, data={}, actor=None)
    registry.unregister("test_diagram_temporary")
    engine._cache.clear()  # as after a restart: the spec is parsed again
    with pytest.raises(engine.ProcessError, match="no longer be loaded"):
        queries.diagram_of(instance)
