"""Why a run stopped, said plainly where it can be recognized: an expression (a gateway's
condition, a decision table's rule, a service task's parameter, a timer) that could not
be evaluated on the case data, because the data lacks a name it reads or gives a value
it cannot work with (text where it compares with a number).

``engine.py`` records an ``ExpressionFailure`` when the sandbox fails to evaluate an
expression; ``reason`` words it in the reader's language. The engine's own message stays
beside it for whoever wrote the process.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.workflow.sandbox import SAFE_BUILTINS

# Python errors that say the data's values do not fit the expression ("abc" > 50000,
# int("x"), amount / 0, applicant["age"] of a list...).
DATA_ERRORS = frozenset(
    {"TypeError", "ValueError", "ZeroDivisionError", "KeyError", "IndexError", "AttributeError"}
)
# The DMN engine's name for the value of a rule's input ("?" in an entry).
_PLACEHOLDER = "dmninputexpr"
MAX_SHOWN_CHARS = 40  # of a value quoted in the reason
MAX_EXPRESSION_CHARS = 120


@dataclass(frozen=True)
class ExpressionFailure:
    expression: str
    error: str  # the Python error's class, e.g. "TypeError"
    missing: tuple[str, ...] = ()  # names it reads that the data does not give
    values: dict[str, Any] = field(default_factory=dict)  # names it reads, as given
    rule: int | None = None  # the decision table's rule (row), for a rule's entry


def names_read(expression: str) -> list[str]:
    """The variables ``expression`` reads, in the order it reads them (not the sandbox's
    builtins)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return []
    read = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    names = [node.id for node in sorted(read, key=lambda n: (n.lineno, n.col_offset))]
    bound = {arg.arg for arg in ast.walk(tree) if isinstance(arg, ast.arg)}
    bound |= {
        target.id
        for comprehension in ast.walk(tree)
        if isinstance(comprehension, ast.comprehension)
        for target in ast.walk(comprehension.target)
        if isinstance(target, ast.Name)
    }
    skipped = bound | set(SAFE_BUILTINS) | {_PLACEHOLDER}
    return list(dict.fromkeys(name for name in names if name not in skipped))


def evaluation_failure(
    expression: str, error: BaseException | None, data: Mapping[str, Any]
) -> ExpressionFailure:
    """What the sandbox's ``error`` evaluating ``expression`` on ``data`` tells."""
    names = names_read(expression)
    missing = [name for name in names if name not in data]
    if isinstance(error, NameError) and error.name and error.name not in missing:
        missing.append(error.name)
    return ExpressionFailure(
        expression=expression.strip(),
        error=type(error).__name__ if error is not None else "",
        missing=tuple(missing),
        values={name: data[name] for name in names if name in data},
    )


def in_rule(failure: ExpressionFailure, row: int | None) -> ExpressionFailure:
    """``failure`` as a decision table's ``row`` (if any) failed: its expression spaced
    as Python writes it, since it reaches us as SpiffWorkflow joined the table's input
    and the rule's test ("amount> 50000"), which nobody wrote."""
    if row is None:
        return failure
    try:
        expression = ast.unparse(ast.parse(failure.expression, mode="eval"))
    except SyntaxError:
        expression = failure.expression
    return dataclasses.replace(failure, expression=expression, rule=row)


def reason(failure: ExpressionFailure | None) -> str:
    """Why the expression failed, in the reader's language; "" when the failure is not
    one of the kinds recognized (the engine's own message then says it alone)."""
    if failure is None:
        return ""
    separator = pgettext("list separator", ", ")
    expression = _quoted(failure.expression, MAX_EXPRESSION_CHARS)
    if failure.error == "NameError" and failure.missing:
        names = separator.join(failure.missing)
        if failure.rule is not None:
            return _(
                "Rule %(rule)d of the decision table (%(expression)s) reads %(names)s, which "
                "the case data does not give."
            ) % {"rule": failure.rule, "expression": expression, "names": names}
        return _(
            "The expression %(expression)s reads %(names)s, which the case data does not give."
        ) % {"expression": expression, "names": names}
    if failure.error in DATA_ERRORS and failure.values:
        values = separator.join(_value(name, value) for name, value in failure.values.items())
        if failure.rule is not None:
            return _(
                "Rule %(rule)d of the decision table (%(expression)s) cannot be evaluated "
                "on the case data given: %(values)s."
            ) % {"rule": failure.rule, "expression": expression, "values": values}
        return _(
            "The expression %(expression)s cannot be evaluated on the case data given: %(values)s."
        ) % {"expression": expression, "values": values}
    return ""


def _value(name: str, value: Any) -> str:
    return pgettext("a data name, its value and its type", "%(name)s = %(value)s (%(type)s)") % {
        "name": name,
        "value": _shown(value),
        "type": _type_of(value),
    }


def _type_of(value: Any) -> str:
    """The value's kind, as JSON names it, for whoever gave the data."""
    if value is None:
        return pgettext("a JSON type", "empty")
    if isinstance(value, bool):
        return pgettext("a JSON type", "true or false")
    if isinstance(value, int):
        return pgettext("a JSON type", "a whole number")
    if isinstance(value, float | Decimal):
        return pgettext("a JSON type", "a number")
    if isinstance(value, str):
        return pgettext("a JSON type", "text")
    if isinstance(value, list | tuple):
        return pgettext("a JSON type", "a list")
    if isinstance(value, dict):
        return pgettext("a JSON type", "an object")
    if isinstance(value, datetime | date):
        return pgettext("a JSON type", "a date")
    return type(value).__name__


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return _quoted(value, MAX_SHOWN_CHARS)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _quoted(text: str, limit: int) -> str:
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"
