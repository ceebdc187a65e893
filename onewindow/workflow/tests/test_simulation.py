"""Trying a process version (workflow/simulation.py): a run in memory on sample data,
each step decided as asked (or to go on), which shows the route the gateways and the
decision table take and where the run ends, and leaves nothing behind."""

from __future__ import annotations

import pytest

from onewindow.audit.models import AuditEvent
from onewindow.workflow import simulation
from onewindow.workflow.models import ProcessInstance, WorkTask
from onewindow.workflow.simulation import Ending, default_outcome, run_trial
from onewindow.workflow.tests.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def routing(city):
    return upload("routing", "dmn_routing.bpmn", "routing.dmn")


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
