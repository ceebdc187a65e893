import pytest
from django.utils import translation
from django.utils.functional import Promise

from onewindow.workflow.bundle import (
    BPMN,
    BundleError,
    expression_problem,
    msg,
    parse_xml,
    prepare_for_engine,
    read_bundle,
    timer_expression,
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
