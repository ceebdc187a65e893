"""A city's department tree read from a JSON or CSV file and checked as a whole against
itself and the database, for ``bootstrap.py`` (``manage.py bootstrap_city``): every
problem of the file is reported with its position (``TreeRejected``) before anything is
written; a department in the file and in the database alike is compared field by field.
Nothing is deleted or moved: a department under another parent than the file's is a
problem, since moving one changes who sees its work (scoping reads the tree)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import translation

from onewindow.core import strict_json
from onewindow.core.errors import InvalidInput
from onewindow.identity.models import Department, DepartmentKind

# A division code (GB/T 2260, 6 digits; a street's or town's, 9), optionally followed
# by a hyphen and a department's abbreviation: 310000, 310000-GA, 310101002. Narrower
# than the column on purpose: the code goes into each department's path (``/``-separated),
# its case numbers (``<code>-<yyyymmdd>-<sequence>`` in 40 characters), its service
# items' codes and the processes' lanes, whose patterns all accept this shape.
CODE_PATTERN = re.compile(r"^[0-9]{6}(?:[0-9]{3})?(?:-[A-Z0-9]{1,6})?$")
CODE_SHAPE = (
    "a division code of 6 or 9 digits, optionally followed by a hyphen and up to 6 "
    "capital letters or digits (310000, 310000-GA, 310101002)"
)
DIVISION_CODE_PATTERN = re.compile(r"^(?:[0-9]{6}|[0-9]{9}|[0-9]{12})$")

# What a department's row holds besides its code and parent; compared and updated.
DESCRIBED = ("name", "name_en", "short_name", "short_name_en", "kind", "division_code")
REQUIRED = ("code", "name", "kind")
COLUMNS = ("code", "parent", *DESCRIBED)
KINDS = tuple(DepartmentKind.values)


# --- reading the file ---------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem of the file: where it is (``departments[3] (310000-GA)``, ``line 5``,
    or ``file``) and what is wrong there."""

    where: str
    message: str
    # Where in the file, to list problems in its order: the row's index, -1 for the file.
    order: int = -1

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    @classmethod
    def of(cls, row: DepartmentRow, message: str) -> Problem:
        return cls(row.where, message, row.order)


class TreeRejected(InvalidInput):
    """A department file with problems: nothing was written; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            "The department file has problems; nothing was written.",
            code="departments_rejected",
            fields={"departments": [str(problem) for problem in problems]},
        )
        self.problems = problems


@dataclass(frozen=True)
class DepartmentRow:
    """A department as the file gives it. ``values`` holds the described fields the file
    names (an optional field it leaves out is not compared with the database); ``parent``
    is "" for the root."""

    where: str
    order: int
    code: str
    parent: str
    values: dict[str, str]


@dataclass
class DepartmentFile:
    rows: list[DepartmentRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_departments(path: Path) -> DepartmentFile:
    """The file's departments and the problems found reading them, row by row. A JSON
    file is ``{"departments": [{"code": …, "name": …, "kind": …, "parent": …}, …]}``; a
    CSV file has a header naming its columns (``code,name,name_en,kind,parent,…``)."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        return DepartmentFile(problems=[Problem("file", "use a .json or a .csv file")])
    try:
        # utf-8-sig: a spreadsheet saving "CSV UTF-8" starts the file with a BOM.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return DepartmentFile(problems=[Problem("file", "the file is not UTF-8 text")])
    return _read_json(text) if suffix == ".json" else _read_csv(text)


def _read_json(text: str) -> DepartmentFile:
    read = DepartmentFile()
    try:
        document = strict_json.loads(text)
    except strict_json.StrictJsonError as error:
        with translation.override("en"):  # the command speaks English throughout
            read.problems.append(Problem("file", str(error.message)))
        return read
    except json.JSONDecodeError as error:
        read.problems.append(Problem("file", f"not JSON: {error}"))
        return read
    if not isinstance(document, dict) or not isinstance(document.get("departments"), list):
        read.problems.append(Problem("file", 'the file must hold an object {"departments": [...]}'))
        return read
    for key in sorted(set(document) - {"departments"}):
        read.problems.append(Problem("file", f"unknown key {key!r}"))
    if not document["departments"]:
        read.problems.append(Problem("departments", "the list is empty"))
    for index, entry in enumerate(document["departments"]):
        where = f"departments[{index}]"
        if not isinstance(entry, dict):
            read.problems.append(Problem(where, "must be an object", index))
            continue
        read.rows.append(_clean_row(where, index, entry, read.problems))
    return read


def _read_csv(text: str) -> DepartmentFile:
    read = DepartmentFile()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        read.problems.append(Problem("file", "the file is empty"))
        return read
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in (*REQUIRED, "parent") if name not in header]
    for name in unknown:
        read.problems.append(Problem("line 1", f"unknown column {name!r}"))
    for name in missing:
        read.problems.append(Problem("line 1", f"no column {name!r}"))
    if len(set(header)) != len(header):
        read.problems.append(Problem("line 1", "a column is named twice"))
    if read.problems:
        return read  # the rows cannot be read as the header says
    reader.fieldnames = header
    for record in reader:
        line = reader.line_num
        # A row with fewer cells than columns lacks the last ones (None): not given.
        values = {k: v for k, v in record.items() if k is not None and v is not None}
        row = _clean_row(f"line {line}", line, values, read.problems)
        if None in record:
            read.problems.append(Problem.of(row, "more cells than the header has columns"))
        read.rows.append(row)
    if not read.rows:
        read.problems.append(Problem("file", "the file has no departments"))
    return read


def _clean_row(
    base: str, order: int, raw: Mapping[str, Any], problems: list[Problem]
) -> DepartmentRow:
    """The row as stored, its problems added to ``problems``. A row with problems is
    still returned, with what of it could be read, so that the checks of the whole file
    (duplicates, parents, cycles) see it too and the file is corrected in one round."""
    code = raw.get("code")
    label = code.strip() if isinstance(code, str) and 0 < len(code.strip()) <= 40 else ""
    where = f"{base} ({label})" if label else base

    def problem(message: str) -> None:
        problems.append(Problem(where, message, order))

    for key in sorted(set(raw) - set(COLUMNS), key=str):
        problem(f"unknown field {key!r}")
    text: dict[str, str] = {}
    for name in COLUMNS:
        if name not in raw:
            continue
        value = raw[name]
        if value is None and name == "parent":
            value = ""
        if not isinstance(value, str):
            problem(f"{name} must be text")
            continue
        text[name] = value.strip()

    def missing(name: str) -> bool:
        # Absent, or given empty; a value that is no text was reported as such.
        return not text.get(name) and (name in text or name not in raw)

    code = text.get("code", "")
    if missing("code"):
        problem("no code")
    elif code and not CODE_PATTERN.match(code):
        problem(f"code {code!r} is not {CODE_SHAPE}")
        code = ""
    if missing("name"):
        problem("no name (the Chinese name)")
    kind = text.get("kind", "")
    if missing("kind"):
        problem(f"no kind (one of {', '.join(KINDS)})")
    elif kind and kind not in KINDS:
        problem(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    division = text.get("division_code", "")
    if division and not DIVISION_CODE_PATTERN.match(division):
        problem(f"division_code {division!r} is not a code of 6, 9 or 12 digits")
    for name in DESCRIBED:
        limit = getattr(Department._meta.get_field(name), "max_length", None)
        if limit is not None and len(text.get(name, "")) > limit:
            problem(f"{name} is longer than {limit} characters")
    parent = text.get("parent", "")
    if code and parent == code:
        problem("is its own parent")
    values = {name: text[name] for name in DESCRIBED if name in text}
    return DepartmentRow(where=where, order=order, code=code, parent=parent, values=values)


# --- checking the tree against the database --------------------------------------------


@dataclass
class TreePlan:
    """What loading the file does: the departments to create, parents first; those to
    update with each changed field as (stored, file); and those the file leaves as they
    are."""

    create: list[DepartmentRow] = field(default_factory=list)
    update: list[tuple[DepartmentRow, dict[str, tuple[str, str]]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def plan_tree(read: DepartmentFile) -> TreePlan:
    """Check the file's departments together and against the database; raise
    ``TreeRejected`` with every problem, the rows' own among them, if there is any."""
    problems = list(read.problems)
    rows: dict[str, DepartmentRow] = {}
    for row in read.rows:
        if not row.code:
            continue
        first = rows.get(row.code)
        if first is not None:
            problems.append(Problem.of(row, f"code {row.code} is also at {first.where}"))
        else:
            rows[row.code] = row
    named = set(rows) | {row.parent for row in rows.values() if row.parent}
    stored = {d.code: d for d in Department.objects.filter(code__in=named).select_related("parent")}
    for row in rows.values():
        known = row.parent in rows or row.parent in stored
        if row.parent and row.parent != row.code and not known:
            message = f"unknown parent {row.parent}: in neither the file nor the database"
            problems.append(Problem.of(row, message))
        department = stored.get(row.code)
        if department is not None:
            now = department.parent.code if department.parent else ""
            if now != row.parent:
                message = (
                    f"is under {now or 'no parent (the root)'} in the database, not "
                    f"{row.parent or 'at the root'}: bootstrap_city moves no department"
                )
                problems.append(Problem.of(row, message))
    problems.extend(_root_problems(rows))
    problems.extend(_cycle_problems(rows))
    if problems:
        # In the file's order, each row's together (a stable sort keeps their order).
        raise TreeRejected(sorted(problems, key=lambda problem: problem.order))
    plan = TreePlan()
    for row in _parents_first(rows):
        department = stored.get(row.code)
        if department is None:
            plan.create.append(row)
            continue
        changed = {
            name: (getattr(department, name), value)
            for name, value in row.values.items()
            if getattr(department, name) != value
        }
        if changed:
            plan.update.append((row, changed))
        else:
            plan.unchanged.append(row.code)
    return plan


def _root_problems(rows: Mapping[str, DepartmentRow]) -> list[Problem]:
    """The tree has one root, the city: a second top-level department is a mistake
    (most often a parent left out), since what is at the root sees everything."""
    stored = list(Department.objects.filter(parent=None).values_list("code", flat=True))
    roots = [*stored, *(code for code, row in rows.items() if not row.parent)]
    root = roots[0] if roots else ""
    return [
        Problem.of(row, f"has no parent, but the tree has its root already: {root}")
        for code, row in rows.items()
        if not row.parent and code != root
    ]


def _cycle_problems(rows: Mapping[str, DepartmentRow]) -> list[Problem]:
    """Each cycle of parents within the file, once, at its first department in the file."""
    problems: list[Problem] = []
    done: set[str] = set()
    for start in rows:
        trail: list[str] = []
        code = start
        while code in rows and code not in done and code not in trail:
            trail.append(code)
            code = rows[code].parent
        if code in trail:
            cycle = trail[trail.index(code) :]
            first = min(cycle, key=list(rows).index)
            at = cycle.index(first)
            ordered = [*cycle[at:], *cycle[:at], first]
            if first != rows[first].parent:  # one's own parent is reported on its row
                message = "its parents form a cycle: " + " → ".join(ordered)
                problems.append(Problem.of(rows[first], message))
        done.update(trail)
    return problems


def _parents_first(rows: Mapping[str, DepartmentRow]) -> list[DepartmentRow]:
    """The rows, each after its parent when the parent is in the file: ``Department.save``
    builds a department's path from its parent's. (The file is known to be acyclic.)"""
    ordered: list[DepartmentRow] = []
    placed: set[str] = set()
    for code in rows:
        chain: list[str] = []
        while code in rows and code not in placed:
            chain.append(code)
            code = rows[code].parent
        for link in reversed(chain):
            placed.add(link)
            ordered.append(rows[link])
    return ordered
