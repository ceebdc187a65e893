"""Trying a process version (workflow/simulation.py): a run in memory on sample data,
each step decided as asked (or to go on), which shows the route the gateways and the
decision table take and where the run ends, and leaves nothing behind."""

from __future__ import annotations

import pytest
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.workflow import services, simulation
from onewindow.workflow.models import ProcessInstance, WorkTask
from onewindow.workflow.simulation import Ending, default_outcome, run_trial
from onewindow.workflow.tests.conftest import read_process, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def routing(city):
    return upload("routing", "dmn_routing.bpmn", "routing.dmn")


def upload_text(key, text):
    return services.upload_definition(actor=None, key=key, name=key, bpmn_xml=text)


def taken(trial):
    return [(step.bpmn_id, step.outcome) for step in trial.steps]


def test_the_decision_table_routes_a_large_amount_to_a_second_review(routing):
    small = run_trial(routing, {"amount": 1000, "applicant_age": 30}, {})
    large = run_trial(routing, {"amount": 90000, "applicant_age": 30}, {})
    assert small.ending == large.ending == Ending.COMPLETED
    assert taken(small) == [("Task_accept", "accept"), ("Task_review", "approve")]
    assert taken(large) == [*taken(small), ("Task_second_review", "approve")]
    assert large.states["Task_second_review"] == "completed"
    assert "Task_second_review" not in small.states


def test_each_step_is_decided_as_asked(city):
    definition = upload("permit", "single_department.bpmn")
    refused = run_trial(definition, {}, {"Task_accept": "not_accepted"})
    assert refused.ending == Ending.COMPLETED
    assert taken(refused) == [("Task_accept", "not_accepted")]
    rejected = run_trial(definition, {}, {"Task_review": "reject"})
    assert taken(rejected) == [("Task_accept", "accept"), ("Task_review", "reject")]


def test_a_trial_that_ends_names_the_end_event_it_reached(city, chinese):
    definition = upload("permit", "single_department.bpmn")
    rejected = run_trial(definition, {}, {"Task_review": "reject"})
    assert rejected.ends == ["EndEvent_rejected"]
    # In the reader's language: the file's name_en on English pages, else its name.
    assert simulation.ending_text(definition, rejected) == (
        "The process reached its end at Permit refused."
    )
    with translation.override("zh-hans"):
        assert simulation.ending_text(definition, rejected) == "流程在“不予许可”处结束。"


def test_an_end_event_without_an_english_name_is_named_by_its_name_then_its_id(city):
    text = read_process("single_department.bpmn")
    text = text.replace('name="name_en" value="Permit refused"', 'name="other" value=""')
    text = text.replace('id="EndEvent_approved" name="准予许可"', 'id="EndEvent_approved"')
    text = text.replace('name="name_en" value="Permit granted"', 'name="other" value=""')
    definition = upload_text("permit", text)
    rejected = run_trial(definition, {}, {"Task_review": "reject"})
    assert (
        simulation.ending_text(definition, rejected) == "The process reached its end at 不予许可."
    )
    approved = run_trial(definition, {}, {})
    assert approved.ends == ["EndEvent_approved"]
    assert simulation.ending_text(definition, approved) == (
        "The process reached its end at EndEvent_approved."
    )


def test_a_trial_that_does_not_end_reached_no_end(routing):
    trial = run_trial(routing, {}, {})
    assert trial.ending == Ending.FAILED and trial.ends == []


def test_a_failure_at_an_element_is_said_naming_it_as_the_diagram_does(routing, chinese):
    trial = run_trial(routing, {}, {})
    assert trial.stopped_at == "Task_rules"
    expected = "The process stopped at Decide if a second review is needed (Task_rules)."
    assert simulation.failure_text(routing, trial) == expected
    assert simulation.ending_text(routing, trial) == expected
    with translation.override("zh-hans"):
        assert "判定复核要求" in simulation.failure_text(routing, trial)


def test_a_rule_that_cannot_decide_stops_the_trial_with_its_reason(routing):
    trial = run_trial(routing, {}, {})  # the decision table reads an amount it is not given
    assert trial.ending == Ending.FAILED
    assert "Task_rules" in trial.message and "amount" in trial.detail
    assert taken(trial) == [("Task_accept", "accept")]


def test_a_rule_that_cannot_use_a_value_says_why_plainly(routing):
    trial = run_trial(routing, {"amount": "abc", "applicant_age": 30}, {})
    assert trial.ending == Ending.FAILED
    assert trial.reason == (
        "Rule 1 of the decision table (“amount > 50000”) cannot be evaluated on the case data "
        "given: amount = “abc” (text)."
    )
    assert "Error evaluating expression 'amount> 50000'" in trial.detail  # the engine's, as it was
    assert run_trial(routing, {"amount": 1, "applicant_age": 30}, {}).reason == ""


def test_a_run_still_deciding_after_the_limit_stops(routing, monkeypatch):
    monkeypatch.setattr(simulation, "MAX_STEPS", 1)
    trial = run_trial(routing, {"amount": 1, "applicant_age": 30}, {})
    assert trial.ending == Ending.LOOPING and len(trial.steps) == 1


def test_a_trial_leaves_nothing_behind(routing):
    before = (ProcessInstance.objects.count(), WorkTask.objects.count(), AuditEvent.objects.count())
    run_trial(routing, {"amount": 90000, "applicant_age": 30}, {})
    after = (ProcessInstance.objects.count(), WorkTask.objects.count(), AuditEvent.objects.count())
    assert after == before


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        (("accept", "not_accepted"), "accept"),
        (("reject", "approve"), "approve"),
        (("complete",), "complete"),
        (("reject",), "reject"),
        ((), "approve"),  # none named: every outcome is offered
    ],
)
def test_a_step_not_named_goes_on(offered, expected):
    assert default_outcome(offered) == expected
