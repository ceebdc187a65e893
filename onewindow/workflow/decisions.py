"""Static checks of DMN decision tables, as Camunda Modeler saves them.

SpiffWorkflow evaluates DMN entries as Python (through the sandbox), one decision table
per decision, with the hit policies UNIQUE (which it treats as FIRST), FIRST and COLLECT.
Entries are checked the way its DMN engine will build them: an input entry ``> 50000``
becomes ``amount > 50000``, ``"yes"`` becomes ``(answer) == ("yes")``, ``-`` matches
anything.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from lxml import etree

from onewindow.workflow.bundle import Problem, expression_problem, local_name, msg

HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")
# SpiffWorkflow's DMN engine replaces "?" outside quotes by the input's value.
_PLACEHOLDER = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


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
            if text in ("", "-") or column >= len(inputs):
                continue
            text = _PLACEHOLDER.sub("dmninputexpr", text)
            if "dmninputexpr" not in text:
                try:
                    ast.parse(text, mode="eval")
                    text = f"({inputs[column]}) == ({text})"
                except SyntaxError:
                    text = f"{inputs[column]} {text}"
            yield text, entry
        for entry in rule.findall("{*}outputEntry"):
            yield (entry.findtext("{*}text") or "").strip(), entry


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
        tables = decision.findall("{*}decisionTable")
        if len(tables) != 1:
            message = msg(
                _("Decision %(id)s must hold exactly one decision table."), id=decision_id
            )
            problems.append(Problem(message, "decision", decision_id, filename))
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
                problems.append(Problem(message, "decisionTable", table.get("id", ""), filename))
            for source, element in entry_sources(table):
                problem = expression_problem(source, "eval", element, file=filename)
                if problem is not None:
                    problems.append(problem)
    return ids, problems
