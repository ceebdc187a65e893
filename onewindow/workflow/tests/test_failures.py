"""Why a run stopped, said plainly (workflow/failures.py): the engine records the
expression that could not be evaluated on the data, and ``reason`` words it."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from onewindow.workflow import engine, failures
from onewindow.workflow.engine import ProcessError
from onewindow.workflow.failures import ExpressionFailure, evaluation_failure, reason
from onewindow.workflow.registry import ServiceContext
from onewindow.workflow.tests.conftest import read_process

CONTEXT = ServiceContext()


def test_the_names_an_expression_reads_leave_out_builtins_and_its_own_variables() -> None:
    assert failures.names_read("amount > 50000") == ["amount"]
    assert failures.names_read("len(items) > limit and all(a > 0 for a in ages)") == [
        "items",
        "limit",
        "ages",
    ]
    assert failures.names_read("dmninputexpr > 5") == []  # the DMN engine's, not the data's
    assert failures.names_read("not python (") == []


def test_a_failure_keeps_what_the_data_gave_and_what_it_lacked() -> None:
    failure = evaluation_failure("amount > limit", TypeError("x"), {"amount": "abc"})
    assert failure == ExpressionFailure(
        expression="amount > limit", error="TypeError", missing=("limit",), values={"amount": "abc"}
    )
    unknown = evaluation_failure("x", NameError("name 'y' is not defined", name="y"), {})
    assert unknown.missing == ("x", "y")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("abc", "“abc” (text)"),
        (12, "12 (a whole number)"),
        (1.5, "1.5 (a number)"),
        (True, "true (true or false)"),
        (None, "null (empty)"),
        ([1, 2], "[1, 2] (a list)"),
        ({"a": 1}, '{"a": 1} (an object)'),
        (date(2024, 3, 7), '"2024-03-07" (a date)'),
        ("x" * 50, f"“{'x' * 39}…” (text)"),
    ],
)
def test_each_value_is_shown_with_its_kind(value: object, shown: str) -> None:
    failure = ExpressionFailure("amount > 5", "TypeError", values={"amount": value})
    assert reason(failure) == (
        f"The expression “amount > 5” cannot be evaluated on the case data given: amount = {shown}."
    )


def test_failures_it_cannot_explain_have_no_reason() -> None:
    assert reason(None) == ""
    assert reason(ExpressionFailure("f(1)", "NotImplementedError", values={"f": 1})) == ""
    assert reason(ExpressionFailure("1 / 0", "ZeroDivisionError")) == ""  # no data in it


def test_a_condition_failing_on_the_data_is_recorded_with_its_values() -> None:
    text = read_process("single_department.bpmn").replace(
        'outcome == "approve"', 'outcome == "approve" and fee / count > 1'
    )
    spec = engine.build_spec(text, {}, key="test:division")
    run = engine.start(spec, {"fee": 10, "count": 0}, context=CONTEXT)
    for _step in range(2):
        [task] = engine.ready_user_tasks(run)
        outcome = "accept" if task.bpmn_id == "Task_accept" else "approve"
        try:
            engine.complete_user_task(run, task.id, outcome=outcome, data={}, context=CONTEXT)
        except ProcessError as error:
            assert error.failure is not None and error.failure.rule is None
            assert error.failure.error == "ZeroDivisionError"
            assert reason(error.failure) == (
                'The expression “outcome == "approve" and fee / count > 1” cannot be '
                "evaluated on the case data given: outcome = “approve” (text), fee = 10 (a "
                "whole number), count = 0 (a whole number)."
            )
            return
    pytest.fail("the condition did not fail")


def test_a_decision_table_failing_on_the_data_names_its_rule(chinese: None) -> None:
    spec = engine.build_spec(
        read_process("dmn_routing.bpmn"), {"routing.dmn": read_process("routing.dmn")}, key="t"
    )
    run = engine.start(spec, {"amount": "abc", "applicant_age": 30}, context=CONTEXT)
    [task] = engine.ready_user_tasks(run)
    with pytest.raises(ProcessError) as caught:
        engine.complete_user_task(run, task.id, outcome="accept", data={}, context=CONTEXT)
    failure = caught.value.failure
    assert failure == ExpressionFailure(
        expression="amount > 50000", error="TypeError", values={"amount": "abc"}, rule=1
    )
    with translation.override("zh-hans"):
        assert reason(failure) == (
            "决策表第 1 条规则（“amount > 50000”）无法按所给的办件数据求值："
            "amount = “abc”（文本）。"
        )


def test_an_error_that_is_not_an_expression_s_carries_no_failure() -> None:
    spec = engine.build_spec(read_process("single_department.bpmn"), {}, key="test:plain")
    run = engine.start(spec, {}, context=CONTEXT)
    with pytest.raises(ProcessError) as caught:
        engine.complete_user_task(run, "not-a-task", outcome="accept", data={}, context=CONTEXT)
    assert caught.value.failure is None
