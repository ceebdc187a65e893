import pytest
from django.utils import translation

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
    # A rule's cell by its rule's number and its column, as dmn-js shows the table.
    assert check(entry="__import__('os')") == [
        "Rule 1, input column 1: “__import__('os')” is refused: “__import__” cannot be used "
        "in process expressions."
    ]


@pytest.mark.parametrize("policy", ["PRIORITY", "ANY", "RULE ORDER", "OUTPUT ORDER"])
def test_unsupported_hit_policies_are_refused(policy: str) -> None:
    assert check(policy=policy) == [
        f"Decision fee: hit policy {policy} is not supported (use UNIQUE, FIRST or COLLECT)."
    ]


def test_other_files_are_not_dmn() -> None:
    _ids, problems = decisions.check("x.dmn", parse_xml(read_process("newborn.bpmn")))
    assert str(problems[0].message) == "x.dmn is not a DMN file."


@pytest.mark.parametrize(
    ("written", "engine_reads"),
    [
        ('"budget", "exceptional"', '(? == ("budget")) or (? == ("exceptional"))'),
        ("[250..1000]", "(250 <= ? <= 1000)"),
        ("]250..1000[", "(250 < ? < 1000)"),
        ("(0..18], > 65", "(0 < ? <= 18) or (? > 65)"),
        ('not("a", "b")', 'not ((? == ("a")) or (? == ("b")))'),
        ('"a, b"', '"a, b"'),  # one string with a comma in it
        ("> 5", "> 5"),
        ("[1, 2]", "[1, 2]"),  # a Python list stays one
    ],
)
def test_camunda_s_unary_tests_become_one_python_test(written: str, engine_reads: str) -> None:
    assert decisions.unary_test(written) == engine_reads


def test_a_refused_cell_is_named_by_its_rule_and_column_label() -> None:
    text = DMN.format(policy="FIRST", entry="[250..", output="0").replace(
        '<input id="I1">', '<input id="I1" label="金额">'
    )
    _ids, [problem] = decisions.check("fee.dmn", parse_xml(text))
    assert str(problem.message).startswith("Rule 1, input column 1 “金额”: “[250..” is refused: ")
    assert (problem.element, problem.element_id) == ("inputEntry", "IE1")


def test_an_input_column_needs_its_expression() -> None:
    """Camunda Modeler 3 saved empty ones; SpiffWorkflow would have read the label's
    value as Python."""
    text = DMN.format(policy="FIRST", entry="&gt;= 6", output="0").replace(
        "<text>answer</text>", "<text></text>"
    )
    assert check_text(text)[0] == (
        "Decision fee: input column 1 has no expression; write the name of the case data it "
        "reads (e.g. amount)."
    )


def test_chained_decisions_are_refused() -> None:
    text = DMN.format(policy="FIRST", entry="-", output="0").replace(
        '<decision id="fee" name="fee">',
        '<decision id="fee" name="fee"><informationRequirement id="IR">'
        '<requiredDecision href="#other"/></informationRequirement>',
    )
    assert check_text(text)[0].startswith("Decision fee requires another decision's result")


def check_text(text: str) -> list[str]:
    return [str(p.message) for p in decisions.check("fee.dmn", parse_xml(text))[1]]


def test_a_cell_longer_than_the_limit_is_refused_without_reading_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The placeholder's pattern takes time growing with the square of a cell's length,
    here and in SpiffWorkflow at every decision (security QA: 40,000 characters)."""
    seen: list[str] = []
    monkeypatch.setattr(decisions, "refusal", lambda source, mode: seen.append(source))
    long_entry = " and ".join(["? &gt; 0"] * 200)  # 1,995 characters once unescaped
    assert check_text(DMN.format(policy="FIRST", entry=long_entry, output="0")) == [
        "Decision fee: a cell holds 1995 characters; at most 1000 are allowed."
    ]
    assert not any("dmninputexpr" in source for source in seen)


def _unique_overlaps(text: str) -> list[tuple[str, str, str]]:
    return [
        (str(p.message), p.element, p.element_id)
        for p in decisions.unique_overlaps("routing.dmn", parse_xml(text))
    ]


def test_a_catch_all_rule_under_unique_is_named_with_the_way_out() -> None:
    """Camunda Modeler's default policy is UNIQUE; a last row of dashes is written for
    FIRST, and under UNIQUE the first data another rule matched would stop the run."""
    demo = read_process("routing.dmn")
    assert _unique_overlaps(demo) == []  # FIRST
    unique = demo.replace('hitPolicy="FIRST"', 'hitPolicy="UNIQUE"')
    assert _unique_overlaps(unique) == [
        (
            "Decision routing: rule 3 matches any data, and under the hit policy UNIQUE a "
            "second rule matching stops the case's process; choose the hit policy FIRST (the "
            "rule last), or remove it.",
            "rule",
            "Rule_default",
        )
    ]
    # No policy written is UNIQUE; a table of one rule overlaps nothing.
    assert len(_unique_overlaps(unique.replace(' hitPolicy="UNIQUE"', ""))) == 1
    assert _unique_overlaps(DMN.format(policy="UNIQUE", entry="-", output="0")) == []


def test_the_catch_all_rule_is_named_in_chinese() -> None:
    unique = read_process("routing.dmn").replace('hitPolicy="FIRST"', 'hitPolicy="UNIQUE"')
    with translation.override("zh-hans"):
        [(message, _element, _id)] = _unique_overlaps(unique)
    assert message == (
        "决策 routing：第 3 条规则匹配任何数据，而在命中策略 UNIQUE 下再有一条规则匹配就会使"
        "办件流程停止；请改用命中策略 FIRST（并把这条规则放在最后），或删除它。"
    )
