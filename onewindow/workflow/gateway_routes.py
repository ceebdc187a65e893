"""A review's outcome has a route: an exclusive gateway that decides on ``outcome`` alone
routes every outcome the user task before it can end with.

A user task without an ``outcomes`` property offers all five; followed by a gateway
whose conditions test only ``outcome == "approve"`` and ``outcome == "reject"``, an
officer choosing "complete" left the engine no flow to take, and the run stopped in the
engine's English. Where every condition of such a gateway reads ``outcome`` and nothing
else, each offered outcome is tried on them at upload. Conditions reading other data
(``second_review and outcome == "approve"``) depend on the case and are not judged here;
a default flow routes whatever no condition takes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext_lazy as _
from lxml import etree

from onewindow.workflow import sandbox
from onewindow.workflow.bundle import BPMN, Problem, local_name, msg
from onewindow.workflow.failures import names_read

OUTCOME = "outcome"  # the task data's name for the officer's outcome (engine.py)


def problems(
    gateways: Iterable[etree._Element],
    flows: Sequence[etree._Element],
    outcomes_of: Mapping[str, Sequence[str]],
) -> list[Problem]:
    """``outcomes_of``: each user task's id and the outcomes it offers."""
    # The flows by their ends, read once: scanning every flow for every gateway took
    # time growing with the square of a file's size (security QA: 100 s for 19,500).
    leaving: dict[str, list[etree._Element]] = defaultdict(list)
    arriving: dict[str, list[etree._Element]] = defaultdict(list)
    for flow in flows:
        leaving[flow.get("sourceRef", "")].append(flow)
        arriving[flow.get("targetRef", "")].append(flow)
    found = []
    for gateway in gateways:
        gateway_id = gateway.get("id", "")
        conditions = _outcome_conditions(gateway, leaving[gateway_id])
        if conditions is None:
            continue
        for flow in arriving[gateway_id]:
            task_id = flow.get("sourceRef", "")
            if task_id not in outcomes_of:
                continue
            unrouted = [o for o in outcomes_of[task_id] if not _routed(o, conditions)]
            if unrouted:
                found.append(_unrouted(task_id, gateway_id, unrouted))
    return found


def _outcome_conditions(
    gateway: etree._Element, leaving: Sequence[etree._Element]
) -> list[str] | None:
    """The conditions of the flows ``leaving`` the gateway, when the outcome alone
    decides between them; None when something else may route (a default flow, a flow
    without a condition, a condition reading other data)."""
    if local_name(gateway) != "exclusiveGateway" or gateway.get("default"):
        return None
    conditions = []
    for flow in leaving:
        condition = flow.find(f"{{{BPMN}}}conditionExpression")
        text = (condition.text or "").strip() if condition is not None else ""
        if not text or set(names_read(text)) != {OUTCOME}:
            return None
        conditions.append(text)
    return conditions or None


def _routed(outcome: str, conditions: Sequence[str]) -> bool:
    for condition in conditions:
        try:
            if sandbox.evaluate(condition, {OUTCOME: outcome}):
                return True
        except Exception:  # what does not evaluate is reported by the expression checks
            return True
    return False


def _unrouted(task_id: str, gateway_id: str, outcomes: Sequence[str]) -> Problem:
    return Problem(
        msg(
            _(
                "User task %(id)s can end with %(outcomes)s, for which gateway %(gateway)s "
                "after it has no flow: list only the outcomes it routes in the task's "
                "outcomes property, add conditions for them, or give the gateway a default "
                "flow."
            ),
            id=task_id,
            outcomes=", ".join(outcomes),
            gateway=gateway_id,
        ),
        "userTask",
        task_id,
    )
