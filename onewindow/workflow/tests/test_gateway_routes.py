"""An exclusive gateway deciding on a review's outcome alone routes every outcome the
review offers (``gateway_routes.py``, run by the bundle checks)."""

import pytest

from onewindow.workflow.tests.test_validation import bpmn, check, problems

REFS = ("Task_1", "Gw", "Ok", "No")


def review(outcomes: str = "", default: str = "", conditions: tuple[str, str] | None = None) -> str:
    approve, reject = conditions or ('outcome == "approve"', 'outcome == "reject"')
    declared = (
        '<bpmn:extensionElements><camunda:properties><camunda:property name="outcomes" '
        f'value="{outcomes}"/></camunda:properties></bpmn:extensionElements>'
        if outcomes
        else ""
    )
    default_attribute = f' default="{default}"' if default else ""
    return bpmn(
        '<bpmn:startEvent id="S"/><bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="Task_1"/>'
        f'<bpmn:userTask id="Task_1" name="审核">{declared}</bpmn:userTask>'
        '<bpmn:sequenceFlow id="F1" sourceRef="Task_1" targetRef="Gw"/>'
        f'<bpmn:exclusiveGateway id="Gw" name="是否通过"{default_attribute}/>'
        '<bpmn:sequenceFlow id="F_ok" sourceRef="Gw" targetRef="Ok">'
        f"<bpmn:conditionExpression>{approve}</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="F_no" sourceRef="Gw" targetRef="No">'
        f"<bpmn:conditionExpression>{reject}</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:endEvent id="Ok"/><bpmn:endEvent id="No"/>',
        refs=REFS,
    )


def test_a_review_offering_outcomes_its_gateway_does_not_route_is_refused() -> None:
    # No outcomes property: all five are offered; the gateway routes two.
    assert problems(review()) == [
        "User task Task_1 can end with accept, not_accepted, complete, for which gateway Gw "
        "after it has no flow: list only the outcomes it routes in the task's outcomes "
        "property, add conditions for them, or give the gateway a default flow."
    ]
    assert len(problems(review(outcomes="approve,reject,complete"))) == 1


@pytest.mark.parametrize(
    "process",
    [
        review(outcomes="approve,reject"),  # offers only what is routed
        review(default="F_no"),  # the default takes the rest
        review(conditions=('outcome in ("approve", "complete")', 'outcome != "approve"')),
        # Other data decides too: the case's data is not known at upload.
        review(conditions=('outcome == "approve" and amount > 5', 'outcome == "reject"')),
    ],
    ids=["outcomes-listed", "default-flow", "every-outcome-covered", "reads-other-data"],
)
def test_a_review_whose_outcomes_all_have_a_route_passes(process: str) -> None:
    assert check(process).user_tasks["Task_1"].bpmn_id == "Task_1"


def test_a_condition_that_does_not_evaluate_is_left_to_the_expression_checks() -> None:
    # int("x") fails for every outcome: no route is claimed missing for it.
    facts = check(
        review(outcomes="approve,reject", conditions=('outcome == "approve"', "int(outcome) > 1"))
    )
    assert facts.user_tasks["Task_1"].outcomes == ("approve", "reject")


def test_the_flows_are_read_once_however_many_gateways() -> None:
    """Every flow was scanned for every gateway: 100 s for a file of 19,500 gateways
    (security QA). Counted, not timed."""
    from lxml import etree

    from onewindow.workflow import gateway_routes
    from onewindow.workflow.bundle import BPMN

    class CountedFlows(list):
        reads = 0

        def __iter__(self):
            CountedFlows.reads += 1
            return super().__iter__()

    gateways = [etree.Element(f"{{{BPMN}}}exclusiveGateway", id=f"G{n}") for n in range(1000)]
    flows = CountedFlows(
        etree.Element(f"{{{BPMN}}}sequenceFlow", sourceRef=f"G{n}", targetRef=f"G{n + 1}")
        for n in range(999)
    )
    assert gateway_routes.problems(gateways, flows, {}) == []
    assert CountedFlows.reads == 1
