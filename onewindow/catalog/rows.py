"""The rows of an imported file (or the demo's seed) checked as a whole: each item's
own checks, its codes, no code twice, the importer's departments, and what reading the
file found in them (``ReadRows``); every problem with where the editor finds it
(``RowError``), and the file refused when there is any."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onewindow.catalog import permissions
from onewindow.catalog.references import Resolved, resolve_references
from onewindow.catalog.validation import ENTRY_KEY, CleanItem, Errors, read_item
from onewindow.core.errors import InvalidInput
from onewindow.identity.models import User

# The workbook's sheets (``transfer``), named in the problems found in them.
ITEMS_SHEET = "items"
MATERIALS_SHEET = "materials"


@dataclass(frozen=True)
class RowError:
    """One problem of a file: ``row`` numbers the item in a JSON file (0: the whole
    file), or the row of the workbook's ``sheet`` where the problem is."""

    row: int
    field: str
    message: str
    sheet: str = ""

    @property
    def location(self) -> str:
        """Where to look, in the reader's language: "materials sheet, row 30", or "item
        3" of a JSON file's list."""
        if self.sheet:
            return gettext("%(sheet)s sheet, row %(row)d") % {"sheet": self.sheet, "row": self.row}
        return gettext("item %(number)d") % {"number": self.row}


class ImportRejected(InvalidInput):
    """An import with errors: nothing was saved; ``rows`` lists every problem."""

    def __init__(self, rows: list[RowError]) -> None:
        super().__init__(
            _("The file has errors; nothing was imported."),
            code="import_rejected",
            fields={"rows": [f"{e.location}: {e.field}: {e.message}" for e in rows]},
        )
        self.rows = rows

    def as_dict(self) -> dict[str, object]:
        body = super().as_dict()
        body["rows"] = [
            {"row": e.row, "sheet": e.sheet, "field": e.field, "message": e.message}
            for e in self.rows
        ]
        return body


class ReadRows(list[Any]):
    """A file's rows as ``transfer`` read them, with the problems reading found that
    leave the rest of the file readable: a cell that is no JSON, a material that names
    no item. They are not raised at once, so that ``check_rows`` reports them with
    every other problem of the file and the editor corrects the file in one round. A
    list, so that it goes wherever a file's rows go (the import page passes it on).

    ``problems`` pairs each with the position of its row among the rows, or, when it is
    no row's, with a position past the last: where ``check_rows`` reports it. A row
    with a problem here was read without the cell in question (as empty), so that its
    other cells are checked as they would be otherwise."""

    def __init__(
        self, rows: Iterable[Any] = (), problems: Iterable[tuple[int, RowError]] = ()
    ) -> None:
        super().__init__(rows)
        self.problems = list(problems)


@dataclass(frozen=True)
class CheckedRow:
    """A row that passed the checks of its own content, and where it came from."""

    position: int  # among the rows given, for reporting problems in the file's order
    number: int
    sheet: str
    item: CleanItem
    refs: Resolved
    # False when a cell of the row could not be read (``ReadRows``): its item is the
    # row without that cell, good for the checks of its other cells but not to be
    # compared with a stored guide, nor saved.
    complete: bool = True


def _row_errors(data: Any, number: int, sheet: str, errors: Errors) -> list[RowError]:
    """``errors`` of one item as the file's rows: a material's at its own row of the
    materials sheet, when the row says which (``transfer.parse_excel``)."""
    material_rows = data.get("_material_rows") if isinstance(data, dict) else None
    problems: list[RowError] = []
    for key, messages in errors.fields.items():
        where, field_name, place = number, key, sheet
        match = ENTRY_KEY.match(key)
        if (
            match
            and match[1] == "materials"
            and isinstance(material_rows, list)
            and int(match[2]) < len(material_rows)
        ):
            material_row = material_rows[int(match[2])]
            if isinstance(material_row, int) and not isinstance(material_row, bool):
                where, field_name, place = material_row, match[3] or "", MATERIALS_SHEET
        problems.extend(RowError(where, field_name, str(m), place) for m in messages)
    return problems


def check_rows(
    *, actor: User | None, rows: list[Any], first_row: int
) -> tuple[list[CheckedRow], list[tuple[int, RowError]]]:
    """Every row checked on its own and against the others, with every problem found
    (each with its row's position), those found reading the file (``ReadRows``) first
    of their row's. A row is checked when its own content passed: one with a problem
    from reading is too, as incomplete."""
    problems: list[tuple[int, RowError]] = []
    checked: list[CheckedRow] = []
    seen: dict[str, int] = {}
    read: dict[int, list[RowError]] = defaultdict(list)
    for position, problem in rows.problems if isinstance(rows, ReadRows) else ():
        read[position].append(problem)
    for position, data in enumerate(rows):
        # Spreadsheet rows carry their own number (blank rows are skipped when read).
        number = position + first_row
        sheet = ""
        if isinstance(data, dict) and isinstance(data.get("_row"), int):
            number, sheet = data["_row"], ITEMS_SHEET
        item, errors = read_item(data)
        refs = resolve_references(item, errors) if item else None
        if item and item.code in seen:
            errors.add("code", _("Duplicate of row %(row)d.") % {"row": seen[item.code]})
        if item and item.code:
            seen.setdefault(item.code, number)
        if refs and actor is not None and not permissions.can_edit_items_of(actor, refs.department):
            errors.add("department", _("You may import only your own department's items."))
        unread = read.pop(position, [])
        problems += [(position, e) for e in unread]
        problems += [(position, e) for e in _row_errors(data, number, sheet, errors)]
        if item and refs and not errors:
            checked.append(CheckedRow(position, number, sheet, item, refs, complete=not unread))
    # What is left is no row's (a material that names no item): after the rows'.
    problems += [(position, e) for position in sorted(read) for e in read[position]]
    return checked, problems


def validate_rows(
    *,
    actor: User | None,
    rows: list[Any],
    first_row: int = 1,
) -> list[tuple[CleanItem, Resolved]]:
    """Check every row; raise ``ImportRejected`` listing all problems, or return them."""
    checked, problems = check_rows(actor=actor, rows=rows, first_row=first_row)
    if problems:
        raise ImportRejected([problem for _position, problem in problems])
    return [(row.item, row.refs) for row in checked]
