"""The longest route through a process by its steps' own limits (``routes.py``)."""

from __future__ import annotations

import pytest

from onewindow.workflow import routes
from onewindow.workflow.bundle import parse_xml
from onewindow.workflow.tests.conftest import read_process
from onewindow.workflow.validation import BundleFacts, check_bundle

B = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'


def process(*flows: tuple[str, str]) -> str:
    """A process of the flows given (``(source, target)``), starting at "s", each other
    element a gateway (a flow joins elements of its process: the check refuses others)."""
    named = dict.fromkeys(end for flow in flows for end in flow if end != "s")
    body = "".join(f'<bpmn:parallelGateway id="{node}"/>' for node in named)
    body += "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(flows)
    )
    return (
        f'<bpmn:definitions {B}><bpmn:process id="p"><bpmn:startEvent id="s"/>'
        f'<bpmn:endEvent id="end"/>{body}</bpmn:process></bpmn:definitions>'
    )


def longest_route_days(bpmn_xml: str, limits: dict[str, int]) -> int:
    """The longest route through the file, by the facts its check gathers."""
    return routes.longest_route_days(check_bundle(parse_xml(bpmn_xml), {}), limits)


def test_steps_one_after_another_add_up():
    xml = process(("s", "a"), ("a", "b"), ("b", "e"))
    assert longest_route_days(xml, {"a": 1, "b": 2}) == 3


def test_branches_side_by_side_count_as_the_longest():
    xml = process(
        ("s", "split"),
        ("split", "a"),
        ("split", "b"),
        ("a", "join"),
        ("b", "join"),
        ("join", "c"),
        ("c", "e"),
    )
    assert longest_route_days(xml, {"a": 1, "b": 4, "c": 2}) == 6


def test_a_loop_back_is_counted_once():
    """Uploads with loops are refused now (``validation.loops``); a version stored
    before is still read."""
    flows = [("s", "a"), ("a", "gw"), ("gw", "a"), ("gw", "b"), ("b", "e")]
    stored = BundleFacts(starts=["s"], flows=flows)
    assert routes.longest_route_days(stored, {"a": 3, "b": 1}) == 4


def test_the_demo_company_start_takes_accept_licence_and_one_registration():
    # 受理 1 + 核准 2 + the longest of 税务, 人社, 公积金 and the seal, 1 each.
    limits = {
        "Task_accept": 1,
        "Task_license": 2,
        "Task_tax": 1,
        "Task_social": 1,
        "Task_fund": 1,
        "Task_seal": 1,
    }
    assert longest_route_days(read_process("company_start.bpmn"), limits) == 4


def test_a_long_process_does_not_exhaust_the_stack():
    flows = [("s", "t0")] + [(f"t{i}", f"t{i + 1}") for i in range(3000)]
    assert longest_route_days(process(*flows), {f"t{i}": 1 for i in range(3001)}) == 3001


@pytest.mark.django_db
def test_a_version_counts_from_acceptance_as_a_case_s_clock_does():
    from onewindow.workflow import library
    from onewindow.workflow.models import ProcessDefinition

    company = ProcessDefinition.objects.create(
        key="company_start", version=1, name="企业开办", bpmn_xml=read_process("company_start.bpmn")
    )
    # 受理 (1 day, before the clock) left out: 核准 1 + one of the registrations 1, the
    # item's promise of 2 working days.
    assert library.longest_route_days(company) == 2
