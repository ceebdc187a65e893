"""The catalog as JSON and as an Excel workbook, both ways.

Both shapes carry the same fields as ``validation.clean_item`` reads, so a file
exported here imports unchanged. Excel has two sheets: ``items`` (one row per item,
lists as comma-separated codes, offices and FAQ as JSON text) and ``materials`` (one
row per material, tied to its item by ``item_code``).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from onewindow.catalog import workbook_check
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.rows import (
    ITEMS_SHEET,
    MATERIALS_SHEET,
    ImportRejected,
    ReadRows,
    RowError,
)
from onewindow.core import strict_json

ITEM_COLUMNS = (
    "code",
    "department",
    "name",
    "name_en",
    "kind",
    "audience",
    "co_departments",
    "topics",
    "summary",
    "summary_en",
    "legal_basis",
    "legal_basis_en",
    "conditions",
    "conditions_en",
    "statutory_limit_days",
    "promised_limit_days",
    "is_free",
    "fee_amount",
    "fee_basis",
    "fee_basis_en",
    "online_level",
    "max_visits",
    "channels",
    "keywords",
    "offices",
    "faq",
)
MATERIAL_COLUMNS = (
    "item_code",
    "name",
    "name_en",
    "form",
    "count",
    "source",
    "source_department",
    "certificate_type",
    "certificate_type_en",
    "required",
    "notes",
    "notes_en",
)
LIST_COLUMNS = ("co_departments", "topics", "channels")
JSON_COLUMNS = ("offices", "faq")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# An .xlsx file is a zip archive, and openpyxl works on what it unpacks, not on what was
# uploaded: a sheet of one cell repeated packs a thousandfold, so a file far below the
# upload limit could cost gigabytes and minutes to read. The archive's directory says
# what its parts unpack to (zipfile stops a part at that size, so a false one gains
# nothing), and a workbook is refused from it before anything is unpacked.
# The export of MAX_ITEM_ROWS items like the demo catalog's unpacks to about 32 MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# A workbook has a few dozen parts (sheets, styles, their relationships, a picture or
# two); thousands are no workbook a spreadsheet program saves, and openpyxl works
# through every part it is told of.
MAX_ARCHIVE_PARTS = 500
# The export's sheets pack 6 to 9 times; a part packed over a hundredfold is filler
# made to unpack big (the ratio at which Apache POI refuses a part too). A small part
# may pack tighter and still costs nothing to read.
MAX_PACKING_RATIO = 100
PACKING_RATIO_FROM_BYTES = 1024 * 1024
# Sized for a city's whole catalog in one file, with margin: a large city lists a few
# thousand items (the demo catalog 179), with ten materials an item on average (the
# demo's have 3.4, at most 6). The limits bound what a file costs to read and to check,
# and how many problems a refused one can have.
MAX_ITEM_ROWS = 5_000
MAX_MATERIAL_ROWS = 10 * MAX_ITEM_ROWS
# A catalog file nests four deep (the list of items, an item, its offices, an office),
# the JSON of a cell two. Python's parser gives up about a thousand deep
# (RecursionError), and a value read just short of that could not be written back, a
# call deeper for each level: nested deeper than this is no catalog's.
MAX_JSON_DEPTH = 20


def version_as_dict(version: ServiceItemVersion) -> dict[str, Any]:
    return {
        "code": version.item.code,
        "department": version.item.department.code,
        **{
            name: getattr(version, name)
            for name in (
                "name",
                "name_en",
                "kind",
                "audience",
                "summary",
                "summary_en",
                "legal_basis",
                "legal_basis_en",
                "conditions",
                "conditions_en",
                "statutory_limit_days",
                "promised_limit_days",
                "is_free",
                "fee_basis",
                "fee_basis_en",
                "online_level",
                "max_visits",
                "channels",
                "keywords",
                "offices",
                "faq",
            )
        },
        "fee_amount": str(version.fee_amount),
        "co_departments": [d.code for d in version.co_departments.all()],
        "topics": [t.code for t in version.topics.all()],
        "materials": [
            {
                "name": m.name,
                "name_en": m.name_en,
                "form": m.form,
                "count": m.count,
                "source": m.source,
                "source_department": m.source_department.code if m.source_department else None,
                "certificate_type": m.certificate_type,
                "certificate_type_en": m.certificate_type_en,
                "required": m.required,
                "notes": m.notes,
                "notes_en": m.notes_en,
            }
            for m in version.materials.all()
        ],
    }


def export_json(versions: list[ServiceItemVersion]) -> str:
    return json.dumps([version_as_dict(v) for v in versions], ensure_ascii=False, indent=1)


def export_excel(versions: list[ServiceItemVersion]) -> bytes:
    workbook = Workbook()
    items = workbook.active
    assert items is not None
    items.title = "items"
    items.append(ITEM_COLUMNS)
    materials = workbook.create_sheet("materials")
    materials.append(MATERIAL_COLUMNS)
    for version in versions:
        data = version_as_dict(version)
        row = []
        for column in ITEM_COLUMNS:
            value = data[column]
            if column in LIST_COLUMNS:
                value = ",".join(value)
            elif column in JSON_COLUMNS:
                value = json.dumps(value, ensure_ascii=False)
            row.append(value)
        items.append(row)
        for material in data["materials"]:
            materials.append([data["code"], *(material[c] for c in MATERIAL_COLUMNS[1:])])
    for sheet in (items, materials):
        _as_text(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _as_text(sheet: Any) -> None:
    """Every cell openpyxl took for a formula (a text starting with "=") written as the
    text it is: a guide's text is an editor's, and ``=HYPERLINK(...)`` in a summary ran
    as a formula in whoever opened the city's export (formula injection). The text comes
    back unchanged on import, as Excel shows it."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def parse_json(raw: bytes) -> list[Any]:
    try:
        # "utf-8-sig": UTF-8, after a byte order mark if the file starts with one, as
        # Windows tools (Notepad, PowerShell) save UTF-8.
        rows = _load_json(raw.decode("utf-8-sig"))
    except _NestedTooDeep as exc:
        raise ImportRejected([RowError(0, "file", _nested_too_deep())]) from exc
    except strict_json.StrictJsonError as exc:
        raise ImportRejected([RowError(0, "file", str(exc.message))]) from exc
    except ValueError as exc:  # not UTF-8, not JSON, or a number of thousands of digits
        raise ImportRejected([RowError(0, "file", _("The file is not valid UTF-8 JSON."))]) from exc
    if not isinstance(rows, list):
        raise ImportRejected([RowError(0, "file", _("The file must hold a list of items."))])
    if len(rows) > MAX_ITEM_ROWS:  # the limit of a workbook, for the same reasons
        message = _("The file holds more than %(limit)d items: import them in smaller files.") % {
            "limit": MAX_ITEM_ROWS
        }
        raise ImportRejected([RowError(0, "file", message)])
    # Keys starting with "_" are where a workbook's rows say which row of which sheet
    # they came from (``_row``, ``_material_rows``); a JSON item that held them would
    # have its problems reported at rows of a workbook it never was.
    return [_without_places(row) for row in rows]


def _without_places(row: Any) -> Any:
    if not isinstance(row, dict):
        return row
    return {key: value for key, value in row.items() if not str(key).startswith("_")}


class _NestedTooDeep(ValueError):
    """JSON nested deeper than MAX_JSON_DEPTH."""


def _load_json(text: str) -> Any:
    """``text`` as JSON: ValueError when it is none (or holds a number of more digits
    than Python reads), ``_NestedTooDeep`` when it nests deeper than MAX_JSON_DEPTH."""
    try:
        value = strict_json.loads(text)
    except RecursionError as exc:
        raise _NestedTooDeep from exc
    if _nested_deeper(value, MAX_JSON_DEPTH):
        raise _NestedTooDeep
    return value


def _nested_deeper(value: Any, depth: int) -> bool:
    """Whether ``value`` nests lists and objects more than ``depth`` deep (walked with a
    stack of its own: walking it by recursion would fail as the parser does)."""
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if not isinstance(node, list):
            continue
        if level > depth:
            return True
        stack.extend((child, level + 1) for child in node)
    return False


def _nested_too_deep() -> str:
    return _("Lists or objects are nested more than %(limit)d deep.") % {"limit": MAX_JSON_DEPTH}


NO_SUCH_ITEM = gettext_lazy("No item of the items sheet has this code.")


def unpacking_problem(source: IO[bytes]) -> str | None:
    """Why the workbook in ``source`` would cost too much to open: read first from the
    zip's directory alone (nothing is unpacked), then from what the parts openpyxl would
    read hold, each streamed and counted (``workbook_check``). None when it may be
    opened, or when it is no zip at all, which ``parse_excel`` then says. ``source`` is
    left at its start."""
    try:
        with zipfile.ZipFile(source) as archive:
            return _directory_problem(archive.infolist()) or workbook_check.content_problem(
                archive, _sheets_read()
            )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        source.seek(0)


def _directory_problem(parts: list[zipfile.ZipInfo]) -> str | None:
    """Why the archive's directory alone refuses it: what its parts say they unpack to."""
    if len(parts) > MAX_ARCHIVE_PARTS or any(_packed_as_filler(part) for part in parts):
        return workbook_check.not_a_workbook()
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        return _(
            "The workbook unpacks to more than %(size)d MB (an .xlsx file is compressed): "
            "import the items in smaller files."
        ) % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)}
    return None


def _sheets_read() -> dict[str, workbook_check.SheetLimit]:
    """The sheets the import reads, by name, and how far: which also bounds what the
    other parts of a workbook may hold (``workbook_check``)."""
    return {
        ITEMS_SHEET: workbook_check.SheetLimit(MAX_ITEM_ROWS, len(ITEM_COLUMNS)),
        MATERIALS_SHEET: workbook_check.SheetLimit(MAX_MATERIAL_ROWS, len(MATERIAL_COLUMNS)),
    }


def _packed_as_filler(part: zipfile.ZipInfo) -> bool:
    return (
        part.file_size > PACKING_RATIO_FROM_BYTES
        and part.file_size > MAX_PACKING_RATIO * part.compress_size
    )


def parse_excel(raw: bytes, *, checked: bool = False) -> ReadRows:
    """Rows of the ``items`` sheet as dicts (numbered from 2, under the header), with
    their materials. Cell types are left as Excel gives them; validation judges them.

    Each row says where it was: ``_row``, its number in the items sheet, and
    ``_material_rows``, the numbers of its materials' rows in the materials sheet, so
    that a problem is reported where the editor will find it.

    What makes the file unreadable as a whole refuses it here, alone (``ImportRejected``):
    no workbook, no items sheet or a column it needs, more rows than the limit. A
    problem of a row (a cell that is no JSON, a material that names no item) comes with
    the rows (``ReadRows.problems``), to be reported with the rows' other problems by
    ``rows.check_rows``, which the import runs: the rows are not to be used without.

    The workbook is refused unopened when it would cost too much to read
    (``unpacking_problem``), and its sheets are read a row at a time, up to their limit
    of rows (``MAX_ITEM_ROWS``, ``MAX_MATERIAL_ROWS``). ``checked``: the caller has
    had ``unpacking_problem`` judge these bytes already (the import form does, to refuse
    at its file field), and its second streaming of every part is spared."""
    problem = None if checked else unpacking_problem(io.BytesIO(raw))
    if problem is not None:
        raise ImportRejected([RowError(0, "file", problem)])
    try:
        # Links to other workbooks are left unread: they carry copies of those
        # workbooks' sheets, which no import reads.
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        # A part openpyxl cannot parse (lxml refuses a text of over 10 MB, where expat,
        # which ``workbook_check`` parses with, does not), or make sense of: a style
        # that is none, a chart sheet without the relationships it expects.
        SyntaxError,
        TypeError,
        AttributeError,
    ) as exc:
        raise ImportRejected([RowError(0, "file", workbook_check.not_excel())]) from exc
    try:
        return _read_workbook(workbook)
    finally:
        workbook.close()  # a read-only workbook keeps its archive open until closed


MISSING_COLUMN = gettext_lazy(
    "Missing column: a file to import has every column of the export (export again to get one)."
)
NO_MATERIALS_SHEET = gettext_lazy(
    "The workbook has no sheet named materials: its items would lose every material."
)


def _read_workbook(workbook: Any) -> ReadRows:
    items = _worksheet(workbook, ITEMS_SHEET)
    if items is None:
        raise ImportRejected([RowError(0, "file", _("The workbook has no sheet named items."))])
    # Every column of the export, and the materials sheet: one left out read as empty
    # cells, and the import blanked that field (or removed every material) of every item
    # it changed, in silence. All that is missing is told at once.
    positions = _header(items, ITEM_COLUMNS)
    missing = [
        RowError(1, c, str(MISSING_COLUMN), ITEMS_SHEET) for c in ITEM_COLUMNS if c not in positions
    ]
    sheet = _worksheet(workbook, MATERIALS_SHEET)
    m_positions = _header(sheet, MATERIAL_COLUMNS) if sheet is not None else {}
    if sheet is None:
        missing.append(RowError(0, "file", str(NO_MATERIALS_SHEET)))
    elif m_positions:  # a sheet left empty, header and all, holds no materials: said so
        missing += [
            RowError(1, c, str(MISSING_COLUMN), MATERIALS_SHEET)
            for c in MATERIAL_COLUMNS
            if c not in m_positions
        ]
    if missing:
        raise ImportRejected(missing)
    materials: dict[str, list[dict[str, Any]]] = defaultdict(list)
    material_rows: dict[str, list[int]] = defaultdict(list)
    if sheet is not None:
        for m_number, entry in _rows(sheet, m_positions, MAX_MATERIAL_ROWS):
            code = str(entry.pop("item_code", "") or "")
            materials[code].append({k: ("" if v is None else v) for k, v in entry.items()})
            material_rows[code].append(m_number)
    problems: list[tuple[int, RowError]] = []
    rows: list[Any] = []
    for number, cells in _rows(items, positions, MAX_ITEM_ROWS):
        unread: list[RowError] = []
        data = {
            column: _item_cell(column, value, number, unread) for column, value in cells.items()
        }
        data["materials"] = materials.get(str(data.get("code", "")), [])
        data["_material_rows"] = material_rows.get(str(data.get("code", "")), [])
        data["_row"] = number
        problems += [(len(rows), problem) for problem in unread]
        rows.append(data)
    # A material whose item_code names no item of the items sheet would be dropped
    # without a word (a typo lost it): each such row is a problem of its own, of no
    # row of the items sheet, so reported after theirs.
    codes = {str(row.get("code", "")) for row in rows}
    orphans = sorted(
        m_number
        for code, numbers in material_rows.items()
        if code not in codes
        for m_number in numbers
    )
    problems += [
        (len(rows), RowError(m_number, "item_code", str(NO_SUCH_ITEM), MATERIALS_SHEET))
        for m_number in orphans
    ]
    return ReadRows(rows, problems)


def _worksheet(workbook: Any, name: str) -> Any:
    """The workbook's worksheet ``name`` (the first, if named twice), or None: a chart
    sheet of that name has no rows to read."""
    return next((sheet for sheet in workbook.worksheets if sheet.title == name), None)


def _header(sheet: Any, columns: tuple[str, ...]) -> dict[str, int]:
    """Where each of ``columns`` is in the sheet's first row (the last, if named twice).
    Other columns are the editor's notes, which no import reads, nor any column past
    those a row may have (``workbook_check.MAX_ROW_CELLS``)."""
    header = sheet.iter_rows(max_row=1, max_col=workbook_check.MAX_ROW_CELLS, values_only=True)
    first = next(_as_read(header), ())
    return {name: index for index, name in enumerate(first) if name in columns}


def _rows(
    sheet: Any, positions: dict[str, int], limit: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows under the header with anything in its known columns (``positions``),
    each with its number and those cells by column name; blank rows, such as those
    left at the end of a sheet, are skipped. Read one at a time, as far as the last
    known column only, and refused once the sheet has more than ``limit`` rows under
    its header: blank ones count, as they cost as much to read."""
    width = max(positions.values(), default=0) + 1
    body = sheet.iter_rows(min_row=2, max_row=limit + 2, max_col=width, values_only=True)
    for number, values in enumerate(_as_read(body), start=2):
        if number > limit + 1:
            raise _too_many_rows(sheet.title, limit)
        cells = {name: values[i] if i < len(values) else None for name, i in positions.items()}
        if any(value not in (None, "") for value in cells.values()):
            yield number, cells


def _as_read(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """``rows`` as openpyxl reads them. Read a row at a time, a sheet's XML is parsed
    only now: XML it cannot parse (one declaring entities, an entity bomb, is refused
    by defusedxml or expat's amplification limit), or a cell it cannot make sense of (a
    number that is none, a shared string that is not there), refuses the file."""
    try:
        yield from rows
    except (
        ElementTree.ParseError,
        DefusedXmlException,
        ValueError,
        TypeError,
        IndexError,
        KeyError,
    ) as exc:
        raise ImportRejected([RowError(0, "file", workbook_check.not_excel())]) from exc


def _too_many_rows(sheet: str, limit: int) -> ImportRejected:
    return ImportRejected([RowError(0, "file", workbook_check.too_many_rows(sheet, limit))])


def _item_cell(column: str, value: Any, number: int, problems: list[RowError]) -> Any:
    """A cell of the items sheet as ``validation.clean_item`` reads it: offices and FAQ
    from their JSON text. When it is none, the cell's problem goes to ``problems`` and
    the cell reads as empty: validation then says nothing more of it (no second,
    confusing problem of the same cell) and checks the row's other cells in full."""
    if column in JSON_COLUMNS and isinstance(value, str) and value.strip():
        try:
            value = _load_json(value)
        except _NestedTooDeep:
            problems.append(RowError(number, column, _nested_too_deep(), ITEMS_SHEET))
            value = []
        except ValueError:
            problems.append(RowError(number, column, _("Not valid JSON."), ITEMS_SHEET))
            value = []
    return "" if value is None else value
