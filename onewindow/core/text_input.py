"""Control characters in text that people and clients send: refused, wherever it is read.

No text a person types holds a C0 control character other than tab, line feed and
carriage return. The others come from a broken client or a crafted request, and do harm
where they are stored: PostgreSQL refuses NUL (U+0000) in any text (a DataError, so a
500, after every check passed), and XML 1.0 can hold none of them, so a guide holding
one could no longer be exported as a workbook (openpyxl refuses exactly these). SQLite
stores them silently, so without this they reached the public pages in development.

The API refuses them in every string it reads (``onewindow.api.JsonParser``), the
catalog import in every cell (``catalog.validation.read_item``), and ``FieldErrors.text``
in every field a service checks with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.datastructures import MultiValueDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# C0 but tab (\x09), line feed (\x0a) and carriage return (\x0d).
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

CONTROL_CHARACTER_FOUND = _(
    "Remove the control character %(character)s: text may hold no control character "
    "other than tab and line breaks."
)
# FieldErrors.text's message too (the same msgid).
AT_MOST_CHARACTERS = _("At most %(limit)d characters.")


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: only spaces, or characters that take no place on
    a page (a zero-width space, a direction mark). A reason made of those is no reason."""
    return not any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc") for ch in text)


def control_character_problem(text: str) -> str | None:
    """What is wrong with ``text`` (the first control character it holds, named by its
    code point, as it shows nowhere), or None when nothing is."""
    found = CONTROL_CHARACTER.search(text)
    if found is None:
        return None
    return str(CONTROL_CHARACTER_FOUND % {"character": f"U+{ord(found.group()):04X}"})


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTER.sub("", text)


def printable_name(name: str) -> str:
    """A key to name in an error, its control characters written as escapes: the
    client sees which key it was, and the answer holds no control character itself."""
    return CONTROL_CHARACTER.sub(lambda found: f"\\u{ord(found.group()):04x}", name)


Path = tuple[str | int, ...]


@dataclass(frozen=True)
class _KeyAtFault:
    problem: str


def control_characters_in(value: Any) -> Iterator[tuple[Path, str]]:
    """Where in ``value`` (decoded JSON: objects, lists, strings at any depth) a string or
    an object's key holds a control character, in the value's order, with the problem.
    A key at fault is named by its printable form. Walked with a stack of its own: a body
    may nest deeper than recursion goes."""
    stack: list[tuple[Path, Any]] = [((), value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, _KeyAtFault):
            yield path, node.problem
        elif isinstance(node, str):
            problem = control_character_problem(node)
            if problem is not None:
                yield path, problem
        elif isinstance(node, Mapping):
            children: list[tuple[Path, Any]] = []
            for key, child in node.items():
                key_problem = control_character_problem(key) if isinstance(key, str) else None
                if key_problem is not None:
                    children.append(((*path, printable_name(key)), _KeyAtFault(key_problem)))
                else:
                    children.append(((*path, key), child))
            stack.extend(reversed(children))
        elif isinstance(node, list | tuple):
            stack.extend(reversed([((*path, index), child) for index, child in enumerate(node)]))


def dotted(path: Path) -> str:
    """A path as the API names a field: ``attachments.0.name`` (as ninja's errors)."""
    return ".".join(str(part) for part in path) or "__all__"


def control_character_fields(
    value: Any, *, name: Callable[[Path], str] = dotted
) -> dict[str, list[str | Promise]]:
    """Every field of ``value`` that holds a control character, with its problems, for
    ``InvalidInput`` (``name`` makes a field's name of its path); empty when none does."""
    fields: dict[str, list[str | Promise]] = {}
    for path, problem in control_characters_in(value):
        fields.setdefault(name(path), []).append(problem)
    return fields


def control_character_fields_in_form(
    data: MultiValueDict[str, Any],
) -> dict[str, list[str | Promise]]:
    """``control_character_fields`` of a query string's or a form's fields, each named by
    its key, whichever of its values is at fault. Files are judged by who reads them
    (Django has already dropped the control characters of their names)."""
    fields: dict[str, list[str | Promise]] = {}
    for key, values in data.lists():
        problem = control_character_problem(key)
        for value in values:
            if problem is None and isinstance(value, str):
                problem = control_character_problem(value)
        if problem is not None:
            fields[printable_name(key)] = [problem]
    return fields
