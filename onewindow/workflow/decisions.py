"""Static checks of DMN decision tables, as Camunda Modeler saves them, and the copies
SpiffWorkflow reads (``for_engine``).

SpiffWorkflow evaluates DMN entries as Python (through the sandbox), one decision table
per decision, with the hit policies UNIQUE (two rules matching stop the run, as in
Camunda: ``engine._DMNEngine``), FIRST and COLLECT.
Entries are checked the way its DMN engine will build them: an input entry ``> 50000``
becomes ``amount > 50000``, ``"yes"`` becomes ``(answer) == ("yes")``, ``-`` matches
anything. The unary tests Camunda Modeler offers beyond those are rewritten first, in
the engine's copy only (``unary_test``): a list ``"budget", "exceptional"`` (any of
them), a range ``[250..1000]``, and ``not(...)``; a file holding several decisions is
read as one file per decision (SpiffWorkflow reads a file's first).
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterator

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from lxml import etree

from onewindow.workflow.bundle import Problem, expression_problem, local_name, msg, refusal

HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")
# The longest cell: the "?" placeholder's pattern below, which SpiffWorkflow also runs on
# every input entry of every rule at every decision, takes time growing with the square
# of a cell's length (security QA: 40,000 characters, seven seconds a case).
MAX_CELL_CHARS = 1000
# SpiffWorkflow's DMN engine replaces "?" outside quotes by the input's value.
_PLACEHOLDER = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def unary_test(text: str) -> str:
    """An input entry as the engine is to evaluate it, with ``?`` for the input's value
    where FEEL's unary tests say more than one Python comparison: ``"a", "b"`` (any of
    them), ``[1..5]`` / ``]1..5[`` (a range, ends in or out), ``not(...)``. Anything
    else is left as written."""
    text = text.strip()
    negated = re.fullmatch(r"not\s*\((.*)\)", text, flags=re.DOTALL)
    if negated:
        return f"not ({_any_of(negated.group(1))})"
    parts = _split_top_level(text)
    return _any_of(text) if len(parts) > 1 or _RANGE.fullmatch(text) else text


_RANGE = re.compile(r"([\[\]\(])\s*(.+?)\s*\.\.\s*(.+?)\s*([\[\]\)])")


def _any_of(text: str) -> str:
    tests = []
    for part in _split_top_level(text):
        if found := _RANGE.fullmatch(part):
            opening, low, high, closing = found.groups()
            low_op = "<=" if opening == "[" else "<"
            high_op = "<=" if closing == "]" else "<"
            tests.append(f"({low} {low_op} ? {high_op} {high})")
        elif _is_value(part):
            tests.append(f"(? == ({part}))")
        else:  # a comparison: "< 10"
            tests.append(f"(? {part})")
    return " or ".join(tests)


def _is_value(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def _split_top_level(text: str) -> list[str]:
    """``text`` split at its commas outside quotes and brackets."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]" and not (char == "]" and depth == 0):
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


# An input entry that tests nothing: the rule matches whatever its column reads.
ANY_VALUE = frozenset({"", "-"})


def entry_sources(table: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Each DMN text of the table as the engine will evaluate it."""
    inputs = [
        (entry.findtext("{*}inputExpression/{*}text") or "").strip()
        for entry in table.findall("{*}input")
    ]
    for text in inputs:
        yield text, table
    for rule in table.findall("{*}rule"):
        for column, entry in enumerate(rule.findall("{*}inputEntry")):
            text = (entry.findtext("{*}text") or "").strip()
            if text in ANY_VALUE or column >= len(inputs) or not inputs[column]:
                continue
            if len(text) > MAX_CELL_CHARS:  # refused as such (``_decision_problems``)
                continue
            text = _PLACEHOLDER.sub("dmninputexpr", unary_test(text))
            if "dmninputexpr" not in text:
                try:
                    ast.parse(text, mode="eval")
                    text = f"({inputs[column]}) == ({text})"
                except SyntaxError:
                    text = f"{inputs[column]} {text}"
            yield text, entry
        for entry in rule.findall("{*}outputEntry"):
            yield (entry.findtext("{*}text") or "").strip(), entry


def for_engine(root: etree._Element) -> list[etree._Element]:
    """The copies of a checked DMN file SpiffWorkflow reads: one per decision (it reads
    a file's first), the DMN namespace under the prefix ``dmn`` (it finds elements by
    that prefix or none; Trisotech and Signavio save ``semantic:``), and each input
    entry as ``unary_test`` rewrites it."""
    namespace = etree.QName(root).namespace
    nsmap = {prefix: uri for prefix, uri in root.nsmap.items() if prefix not in (None, "dmn")}
    copies = []
    for decision in root.findall("{*}decision"):
        single = etree.Element(
            root.tag, attrib=dict(root.attrib), nsmap={**nsmap, "dmn": namespace}
        )
        for child in root:
            if not isinstance(child.tag, str):  # a comment
                continue
            if child is decision or etree.QName(child).localname != "decision":
                single.append(copy.deepcopy(child))
        for entry in single.iter(f"{{{namespace}}}inputEntry"):
            text = entry.find(f"{{{namespace}}}text")
            if text is not None and (text.text or "").strip() not in ANY_VALUE:
                text.text = unary_test(text.text or "")
        copies.append(single)
    return copies


def check(filename: str, root: etree._Element) -> tuple[set[str], list[Problem]]:
    """The ids of the decisions the file defines, and its problems."""
    if local_name(root) != "definitions" or "DMN" not in (etree.QName(root).namespace or ""):
        return set(), [
            Problem(msg(_("%(file)s is not a DMN file."), file=filename), source=filename)
        ]
    ids: set[str] = set()
    problems: list[Problem] = []
    for decision in root.findall("{*}decision"):
        decision_id = decision.get("id", "")
        ids.add(decision_id)
        problems += _decision_problems(filename, decision, decision_id)
    return ids, problems


def unique_overlaps(filename: str, root: etree._Element) -> list[Problem]:
    """A rule matching any data (every input "-" or empty) beside other rules of a
    table whose hit policy is UNIQUE: Camunda Modeler's default policy, under which the
    first data any other rule matches would stop the run (``engine._DMNEngine``). The
    catch-all row was written for FIRST; asked at upload only (a version stored before
    the run stopped on it took the first rule)."""
    problems = []
    for decision in root.findall("{*}decision"):
        for table in decision.findall("{*}decisionTable"):
            rules = table.findall("{*}rule")
            if table.get("hitPolicy", "UNIQUE").upper() != "UNIQUE" or len(rules) < 2:
                continue
            for number, rule in enumerate(rules, start=1):
                entries = [
                    (e.findtext("{*}text") or "").strip() for e in rule.iterfind("{*}inputEntry")
                ]
                if all(entry in ANY_VALUE for entry in entries):
                    message = msg(
                        _(
                            "Decision %(id)s: rule %(rule)d matches any data, and under the hit "
                            "policy UNIQUE a second rule matching stops the case's process; "
                            "choose the hit policy FIRST (the rule last), or remove it."
                        ),
                        id=decision.get("id", ""),
                        rule=number,
                    )
                    problems.append(Problem(message, "rule", rule.get("id", ""), filename))
    return problems


def _decision_problems(
    filename: str, decision: etree._Element, decision_id: str
) -> Iterator[Problem]:
    if decision.find("{*}informationRequirement/{*}requiredDecision") is not None:
        message = msg(
            _(
                "Decision %(id)s requires another decision's result; decisions are not "
                "chained here: let a business rule task call each, one after the other."
            ),
            id=decision_id,
        )
        yield Problem(message, "decision", decision_id, filename)
    tables = decision.findall("{*}decisionTable")
    if len(tables) != 1:
        message = msg(_("Decision %(id)s must hold exactly one decision table."), id=decision_id)
        yield Problem(message, "decision", decision_id, filename)
    for table in tables:
        policy = table.get("hitPolicy", "UNIQUE").upper()
        if policy not in HIT_POLICIES or table.get("aggregation"):
            message = msg(
                _(
                    "Decision %(id)s: hit policy %(policy)s is not supported (use "
                    "UNIQUE, FIRST or COLLECT)."
                ),
                id=decision_id,
                policy=" ".join(filter(None, [policy, table.get("aggregation")])),
            )
            yield Problem(message, "decisionTable", table.get("id", ""), filename)
        for number, column in enumerate(table.findall("{*}input"), start=1):
            if not (column.findtext("{*}inputExpression/{*}text") or "").strip():
                message = msg(
                    _(
                        "Decision %(id)s: input column %(column)s has no expression; write "
                        "the name of the case data it reads (e.g. amount)."
                    ),
                    id=decision_id,
                    column=_column_name(column, number),
                )
                yield Problem(message, "input", column.get("id", ""), filename)
        for cell in table.iterfind(".//{*}text"):
            if len(cell.text or "") > MAX_CELL_CHARS:
                message = msg(
                    _(
                        "Decision %(id)s: a cell holds %(count)d characters; at most "
                        "%(max)d are allowed."
                    ),
                    id=decision_id,
                    count=len(cell.text or ""),
                    max=MAX_CELL_CHARS,
                )
                holder = cell.getparent()
                assert holder is not None  # a text is a cell's, as iterfind found it
                yield Problem(message, local_name(holder), holder.get("id", ""), filename)
        for source, element in entry_sources(table):
            if local_name(element) == "inputEntry":
                detail = refusal(source, "eval")
                if detail is not None:
                    yield _cell_problem(filename, table, element, detail)
            elif (
                problem := expression_problem(source, "eval", element, file=filename)
            ) is not None:
                yield problem


def _column_name(column: etree._Element, number: int) -> str:
    label = (column.get("label") or "").strip()
    return f"{number} “{label}”" if label else str(number)


def _cell_problem(
    filename: str, table: etree._Element, entry: etree._Element, detail: Promise
) -> Problem:
    """A rule's input cell named as dmn-js shows the table, by its rule's number and
    its column, with the text as written (not the rewritten expression the sandbox's
    line and column count in, nor an id the table does not show)."""
    rule = entry.getparent()
    assert rule is not None
    number = table.findall("{*}rule").index(rule) + 1
    column = rule.findall("{*}inputEntry").index(entry)
    columns = table.findall("{*}input")
    message = msg(
        _("Rule %(rule)d, input column %(column)s: “%(text)s” is refused: %(detail)s."),
        rule=number,
        column=_column_name(columns[column], column + 1),
        text=(entry.findtext("{*}text") or "").strip(),
        detail=detail,
    )
    return Problem(message, "inputEntry", entry.get("id", ""), filename)
