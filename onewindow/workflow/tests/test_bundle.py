import pytest
from django.utils import translation
from django.utils.functional import Promise

from onewindow.workflow.bundle import (
    BPMN,
    BundleError,
    Problem,
    expression_problem,
    msg,
    parse_xml,
    prepare_for_engine,
    read_bundle,
    timer_expression,
    with_names,
)


def test_messages_stay_lazy_until_read() -> None:
    message = msg("Lane %(name)s: %(role)s is not an officer role.", name="x", role="citizen")
    assert isinstance(message, Promise)
    with translation.override("en"):
        assert str(message) == "Lane x: citizen is not an officer role."


def test_expression_problems_name_the_nearest_element_with_an_id() -> None:
    root = parse_xml('<a id="outer"><b><c/></b></a>')
    script = root[0][0]
    problem = expression_problem("import os", "exec", script, file="f.dmn")
    assert problem is not None
    assert (problem.element, problem.element_id, problem.source) == ("c", "outer", "f.dmn")
    assert expression_problem("amount > 1", "eval", script) is None
    assert expression_problem("  ", "eval", script) is None


def test_external_entities_are_not_resolved() -> None:
    text = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d>&xxe;</d>'
    )
    assert "root:" not in (parse_xml(text).text or "")


def test_iso_timer_literals_are_quoted_for_the_engine() -> None:
    assert timer_expression("PT1H") == "'PT1H'"
    assert timer_expression(" R3/PT10M ") == "'R3/PT10M'"
    assert timer_expression("2025-01-01T09:00:00+08:00") == "'2025-01-01T09:00:00+08:00'"
    assert timer_expression("deadline") == "deadline"
    assert timer_expression('"PT1H"') == '"PT1H"'


def test_prepare_for_engine_changes_the_parsed_copy_only() -> None:
    text = (
        f'<d xmlns="{BPMN}"><process id="p" isExecutable="false"><intermediateCatchEvent>'
        "<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>"
        "</intermediateCatchEvent></process></d>"
    )
    bpmn, dmn = read_bundle(text, {})
    prepare_for_engine(bpmn)
    assert bpmn[0].get("isExecutable") == "true"
    assert bpmn.findtext(f".//{{{BPMN}}}timeDuration") == "'PT1H'"
    assert (dmn, "PT1H</timeDuration>" in text) == ({}, True)


def test_read_bundle_names_the_broken_file() -> None:
    with pytest.raises(BundleError) as caught:
        read_bundle("<ok/>", {"a.dmn": "<ok/>", "b.dmn": "<broken"})
    assert caught.value.problems[0].source == "b.dmn"


def test_read_bundle_names_every_broken_file_at_once() -> None:
    with pytest.raises(BundleError) as caught:
        read_bundle("<broken", {"a.dmn": "<ok/>", "b.dmn": "<broken", "c.dmn": ""})
    assert [problem.source for problem in caught.value.problems] == ["", "b.dmn", "c.dmn"]
    assert caught.value.facts is None  # nothing was read to check further


def test_problems_are_given_the_name_their_element_has_in_its_own_file() -> None:
    bpmn = parse_xml(
        '<definitions><task id="Task_1" name="  窗口\n 受理 "/>'
        '<gateway id="G" name=" "/></definitions>'
    )
    dmn = {"fees.dmn": parse_xml('<definitions><decision id="Task_1" name="收费"/></definitions>')}
    named = with_names(
        [
            Problem("a", "task", "Task_1"),
            Problem("b", "decision", "Task_1", "fees.dmn"),
            Problem("c", "gateway", "G"),  # a blank name is no name
            Problem("d", "definitions"),
            Problem("e", "decision", "Task_1", "other.dmn"),
        ],
        bpmn,
        dmn,
    )
    assert [(p.message, p.name) for p in named] == [
        ("a", "窗口 受理"),  # as the canvas shows it: the line break is a space
        ("b", "收费"),
        ("c", ""),
        ("d", ""),
        ("e", ""),
    ]


def test_a_file_declaring_a_document_type_is_refused_as_such() -> None:
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<definitions>&xxe;</definitions>"
    )
    with pytest.raises(BundleError) as caught:
        read_bundle(xxe, {"rules.dmn": xxe})
    with translation.override("en"):
        messages = [(p.source, str(p.message)) for p in caught.value.problems]
    assert [source for source, _message in messages] == ["", "rules.dmn"]
    assert all(m.startswith("The file declares a document type") for _s, m in messages)
