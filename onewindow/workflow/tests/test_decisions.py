import pytest

from onewindow.workflow import decisions
from onewindow.workflow.bundle import parse_xml
from onewindow.workflow.tests.conftest import read_malicious, read_process

DMN = (
    '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="D" name="d" '
    'namespace="x"><decision id="fee" name="fee"><decisionTable id="T" hitPolicy="{policy}">'
    '<input id="I1"><inputExpression id="E1"><text>answer</text></inputExpression></input>'
    '<output id="O1" name="fee"/>'
    '<rule id="R1"><inputEntry id="IE1"><text>{entry}</text></inputEntry>'
    '<outputEntry id="OE1"><text>{output}</text></outputEntry></rule>'
    "</decisionTable></decision></definitions>"
)


def check(policy: str = "UNIQUE", entry: str = "-", output: str = "0") -> list[str]:
    text = DMN.format(policy=policy, entry=entry, output=output)
    _ids, problems = decisions.check("fee.dmn", parse_xml(text))
    return [str(p.message) for p in problems]


def test_the_demo_table_passes() -> None:
    ids, problems = decisions.check("routing.dmn", parse_xml(read_process("routing.dmn")))
    assert (ids, problems) == ({"routing"}, [])


@pytest.mark.parametrize(
    "entry", ["-", '"yes"', "&gt; 3", "&lt; 18", "1, 2", "? &gt; 3 and ? &lt; 9", "'a?'"]
)
def test_input_entries_compile_as_the_engine_builds_them(entry: str) -> None:
    assert check(entry=entry) == []


def test_hostile_entries_are_refused_with_the_file_and_entry() -> None:
    ids, problems = decisions.check("evil.dmn", parse_xml(read_malicious("import_output.dmn")))
    assert ids == {"routing"}
    [problem] = problems
    assert (problem.source, problem.element, problem.element_id) == (
        "evil.dmn",
        "outputEntry",
        "LiteralExpression_evil",
    )
    assert str(problem.message).startswith(
        "The expression in outputEntry LiteralExpression_evil is refused"
    )
    assert check(entry="__import__('os')")[0].startswith("The expression in inputEntry IE1")


@pytest.mark.parametrize("policy", ["PRIORITY", "ANY", "RULE ORDER", "OUTPUT ORDER"])
def test_unsupported_hit_policies_are_refused(policy: str) -> None:
    assert check(policy=policy) == [
        f"Decision fee: hit policy {policy} is not supported (use UNIQUE, FIRST or COLLECT)."
    ]


def test_other_files_are_not_dmn() -> None:
    _ids, problems = decisions.check("x.dmn", parse_xml(read_process("newborn.bpmn")))
    assert str(problems[0].message) == "x.dmn is not a DMN file."
