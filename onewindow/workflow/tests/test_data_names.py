"""The case data a process reads, as the trial and version pages list it."""

from __future__ import annotations

from pathlib import Path

from onewindow.workflow.data_names import DataName, names_read
from onewindow.workflow.tests.conftest import read_process

FIXTURES = Path(__file__).resolve().parent / "fixtures"

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core">
  <bpmn:process id="p">
    <bpmn:scriptTask id="s"><bpmn:script>total = price * count
label = "big" if total &gt; limit else "small"
picked = [x for x in items if x]</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e">
      <bpmn:conditionExpression>label == "big" and outcome == "approve" and len(notes) &lt; 3
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:serviceTask id="t"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="f">
      <spiffworkflow:parameters><spiffworkflow:parameter id="a" value="applicant_name" />
      </spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:intermediateCatchEvent id="w"><bpmn:timerEventDefinition>
      <bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="e" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_the_names_a_process_reads_and_not_those_it_sets_or_the_sandbox_gives():
    names = [entry.name for entry in names_read(PROCESS, {})]
    # total, label and picked are set by the script, x is the comprehension's own, len
    # a builtin, outcome the officers' decision; the ISO timer is a literal.
    assert names == ["applicant_name", "count", "items", "limit", "notes", "price"]


def test_a_decision_tables_inputs_come_with_their_labels_and_its_outputs_are_its_own():
    reads = names_read(
        read_process("dmn_routing.bpmn"), {"routing.dmn": read_process("routing.dmn")}
    )
    assert reads == [DataName("amount", "申请金额（元）"), DataName("applicant_age", "申请人年龄")]
    # second_review is the table's output, which a later condition reads.
    assert "second_review" in read_process("dmn_routing.bpmn")


def test_processes_routing_only_on_decisions_read_no_case_data():
    for name in ("single_department.bpmn", "parallel_three.bpmn", "newborn.bpmn"):
        assert names_read(read_process(name), {}) == []


def test_a_timer_given_by_a_name_reads_it():
    text = (FIXTURES / "timer_escalation.bpmn").read_text(encoding="utf-8")
    assert "cooling_off" in {entry.name for entry in names_read(text, {})}


def test_a_script_in_a_subprocess_counts():
    names = {entry.name for entry in names_read((FIXTURES / "subprocess.bpmn").read_text(), {})}
    assert "points" in names and "score" not in names and "level" not in names


def test_shown_with_its_label_in_the_readers_language(english):
    assert str(DataName("amount", "申请金额（元）")) == "amount (申请金额（元）)"
    assert str(DataName("amount")) == "amount"


def test_forms_reserve_every_name_expressions_read_as_something_else() -> None:
    """Forms import nothing of the workflow: their list is kept in step here."""
    from onewindow.forms.spec import RESERVED_NAMES
    from onewindow.workflow.data_names import ENGINE_NAMES
    from onewindow.workflow.sandbox import SAFE_BUILTINS

    lower_case = {name for name in SAFE_BUILTINS if name.islower()}  # as a question's name is
    assert lower_case | ENGINE_NAMES == RESERVED_NAMES
