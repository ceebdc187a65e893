"""A city's department tree read from a JSON or CSV file, each row checked on its own,
for ``department_plan`` to check as a whole against itself and the database and for
``bootstrap.py`` to write (``manage.py bootstrap_city``): every problem of the file is
reported with its position (``TreeRejected``) before anything is written. Nothing is
deleted or moved: a department under another parent than the file's is a problem, since
moving one changes who sees its work (scoping reads the tree)."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
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
NAMES = ("name", "name_en", "short_name", "short_name_en")

# Which kinds go under which: the city government is the root, alone of its kind; its
# bureaus and its districts are under it; a district's own bureaus and its streets and
# towns are under a district; nothing is under a bureau, a district bureau or a street.
# Kept so that a department's kind says where it is (a "city" under a street was taken).
KINDS_UNDER: dict[str, tuple[str, ...]] = {
    DepartmentKind.CITY.value: (DepartmentKind.BUREAU.value, DepartmentKind.DISTRICT.value),
    DepartmentKind.DISTRICT.value: (
        DepartmentKind.DISTRICT_BUREAU.value,
        DepartmentKind.STREET.value,
    ),
}

# How to save a spreadsheet so that it reads here: UTF-8, comma-separated.
SAVE_AS_CSV_UTF8 = 'save it from the spreadsheet as "CSV UTF-8 (Comma delimited)"'


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
    # The codes of rows that could not be read as the header says (a CSV row with more
    # or fewer cells), reported as such: a department under one is no "unknown parent".
    unread: set[str] = field(default_factory=set)


def read_departments(path: Path) -> DepartmentFile:
    """The file's departments and the problems found reading them, row by row. A JSON
    file is ``{"departments": [{"code": …, "name": …, "kind": …, "parent": …}, …]}``; a
    CSV file has a header naming its columns (``code,name,name_en,kind,parent,…``)."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        return DepartmentFile(problems=[Problem("file", "use a .json or a .csv file")])
    not_utf8 = "the file is not UTF-8 text: " + (
        "save it as UTF-8" if suffix == ".json" else SAVE_AS_CSV_UTF8
    )
    try:
        # utf-8-sig: a spreadsheet saving "CSV UTF-8" starts the file with a BOM.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:  # GBK, or UTF-16 ("Unicode text") with its BOM
        return DepartmentFile(problems=[Problem("file", not_utf8)])
    if suffix == ".json":
        return _read_json(text)
    if "\x00" in text.partition("\n")[0]:  # UTF-16 without a BOM: a NUL after each letter
        return DepartmentFile(problems=[Problem("file", not_utf8)])
    return _read_csv(text)


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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        _read_csv_rows(reader, read)
    except csv.Error as error:
        # The reader cannot go on past a cell it refuses: the rows after it are unread.
        line = reader.line_num
        if "field larger than field limit" in str(error):
            message = f"a cell is longer than {csv.field_size_limit():,} characters"
        else:
            message = f"not CSV: {error}"
        read.problems.append(Problem(f"line {line}", message, line))
        return read
    if not read.rows and not read.problems:
        read.problems.append(Problem("file", "the file has no departments"))
    return read


def _read_csv_rows(reader: Any, read: DepartmentFile) -> None:
    """The header's problems, or each row read into ``read``. (``reader`` is a
    ``csv.reader``, whose type typeshed does not name.)"""
    header = [name.strip() for name in next(reader, [])]
    if not any(header):
        read.problems.append(Problem("file", "the file is empty"))
        return
    for separator, called in ((";", "semicolons"), ("\t", "tabs")):
        if any(separator in name for name in header):
            message = (
                f"the file must be comma-separated, and its header has {called} between "
                f"its columns: {SAVE_AS_CSV_UTF8}"
            )
            read.problems.append(Problem("line 1", message))
            return
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in (*REQUIRED, "parent") if name not in header]
    for name in unknown:
        read.problems.append(Problem("line 1", f"unknown column {name!r}"))
    for name in missing:
        read.problems.append(Problem("line 1", f"no column {name!r}"))
    if len(set(header)) != len(header):
        read.problems.append(Problem("line 1", "a column is named twice"))
    if read.problems:
        return  # the rows cannot be read as the header says
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # an empty line, or the empty cells a spreadsheet leaves after the rows
        if len(cells) == len(header):
            values = dict(zip(header, cells, strict=True))
            read.rows.append(_clean_row(f"line {line}", line, values, read.problems))
            continue
        # The cells cannot be told apart (a comma in an unquoted name shifts those after
        # it): the row's one problem is its count, not what its cells would then say.
        code = cells[header.index("code")].strip() if len(cells) > header.index("code") else ""
        code = code if CODE_PATTERN.fullmatch(code) else ""
        if code:
            read.unread.add(code)
        where = f"line {line} ({code})" if code else f"line {line}"
        if len(cells) < len(header):
            message = (
                f"fewer cells than the header has columns ({len(cells)}, not {len(header)}): "
                "an empty cell still needs its comma"
            )
        else:
            message = (
                f"more cells than the header has columns ({len(cells)}, not {len(header)}): "
                "a cell holding a comma must be in double quotes"
            )
        read.problems.append(Problem(where, message, line))


def _clean_row(
    base: str, order: int, raw: Mapping[str, Any], problems: list[Problem]
) -> DepartmentRow:
    """The row as stored, its problems added to ``problems``. A row with problems is
    still returned, with what of it could be read, so that the checks of the whole file
    (duplicates, parents, cycles) see it too and the file is corrected in one round."""
    code = raw.get("code")
    label = code.strip() if isinstance(code, str) and 0 < len(code.strip()) <= 40 else ""
    label = "" if _control_character(label) else label
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
        control = _control_character(text[name])
        if name in NAMES and control:
            # A line break or a NUL (which PostgreSQL cannot store) is no part of a name.
            problem(f"{name} holds a control character ({control}): a name is one line of text")
            del text[name]

    def missing(name: str) -> bool:
        # Absent, or given empty; a value that is no text was reported as such.
        return not text.get(name) and (name in text or name not in raw)

    code = text.get("code", "")
    if missing("code"):
        problem("no code")
    elif code and not CODE_PATTERN.fullmatch(code):
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
    if division and not DIVISION_CODE_PATTERN.fullmatch(division):
        problem(f"division_code {division!r} is not a code of 6, 9 or 12 digits")
    for name in DESCRIBED:
        limit = getattr(Department._meta.get_field(name), "max_length", None)
        if limit is not None and len(text.get(name, "")) > limit:
            problem(f"{name} is longer than {limit} characters")
    parent = text.get("parent", "")
    if code and parent == code:
        problem("is its own parent: leave parent empty for the root, the city government")
    elif parent and not CODE_PATTERN.fullmatch(parent):
        # Kept as given, so that the row is not taken for a root; never looked up.
        problem(f"parent {parent!r} is not {CODE_SHAPE}")
    values = {name: text[name] for name in DESCRIBED if name in text}
    return DepartmentRow(where=where, order=order, code=code, parent=parent, values=values)


def _control_character(value: str) -> str:
    """The first control character of ``value`` as U+XXXX, or ""."""
    for character in value:
        if unicodedata.category(character) == "Cc":
            return f"U+{ord(character):04X}"
    return ""


def is_code(value: str) -> bool:
    return bool(CODE_PATTERN.fullmatch(value))


# --- checking the tree against the database --------------------------------------------
