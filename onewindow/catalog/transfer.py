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

from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.rows import ITEMS_SHEET, MATERIALS_SHEET, ImportRejected, RowError

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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_json(raw: bytes) -> list[Any]:
    try:
        rows = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRejected([RowError(0, "file", _("The file is not valid UTF-8 JSON."))]) from exc
    if not isinstance(rows, list):
        raise ImportRejected([RowError(0, "file", _("The file must hold a list of items."))])
    if len(rows) > MAX_ITEM_ROWS:  # the limit of a workbook, for the same reasons
        message = _("The file holds more than %(limit)d items: import them in smaller files.") % {
            "limit": MAX_ITEM_ROWS
        }
        raise ImportRejected([RowError(0, "file", message)])
    return rows


NO_SUCH_ITEM = gettext_lazy("No item of the items sheet has this code.")


def unpacking_problem(source: IO[bytes]) -> str | None:
    """Why the workbook in ``source`` would cost too much to open, read from the zip's
    directory alone (nothing is unpacked); None when it may be opened, or when it is no
    zip at all, which ``parse_excel`` then says. ``source`` is left at its start."""
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        source.seek(0)
    if len(parts) > MAX_ARCHIVE_PARTS or any(_packed_as_filler(part) for part in parts):
        return _(
            "This file is not a workbook as spreadsheet programs save one, so it was not "
            "opened. Save it again from your spreadsheet program, or start from an export."
        )
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        return _(
            "The workbook unpacks to more than %(size)d MB (an .xlsx file is compressed): "
            "import the items in smaller files."
        ) % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)}
    return None


def _packed_as_filler(part: zipfile.ZipInfo) -> bool:
    return (
        part.file_size > PACKING_RATIO_FROM_BYTES
        and part.file_size > MAX_PACKING_RATIO * part.compress_size
    )


def parse_excel(raw: bytes) -> list[Any]:
    """Rows of the ``items`` sheet as dicts (numbered from 2, under the header), with
    their materials. Cell types are left as Excel gives them; validation judges them.

    Each row says where it was: ``_row``, its number in the items sheet, and
    ``_material_rows``, the numbers of its materials' rows in the materials sheet, so
    that a problem is reported where the editor will find it.

    The workbook is refused unopened when it would unpack too big
    (``unpacking_problem``), and its sheets are read a row at a time, up to their limit
    of rows (``MAX_ITEM_ROWS``, ``MAX_MATERIAL_ROWS``)."""
    problem = unpacking_problem(io.BytesIO(raw))
    if problem is not None:
        raise ImportRejected([RowError(0, "file", problem)])
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(
            [RowError(0, "file", _("The file is not an Excel workbook."))]
        ) from exc
    try:
        return _read_workbook(workbook)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        # Read a row at a time, a sheet's XML is parsed only now: one that declares
        # entities (an entity bomb: a few lines expanding to gigabytes) is refused by
        # defusedxml, or by expat's amplification limit, here.
        raise ImportRejected(
            [RowError(0, "file", _("The file is not an Excel workbook."))]
        ) from exc
    finally:
        workbook.close()  # a read-only workbook keeps its archive open until closed


def _read_workbook(workbook: Any) -> list[Any]:
    if ITEMS_SHEET not in workbook.sheetnames:
        raise ImportRejected([RowError(0, "file", _("The workbook has no sheet named items."))])
    items = workbook[ITEMS_SHEET]
    positions = _header(items, ITEM_COLUMNS)
    missing = [c for c in ("code", "department", "name") if c not in positions]
    if missing:
        raise ImportRejected([RowError(1, c, _("Missing column."), ITEMS_SHEET) for c in missing])
    materials: dict[str, list[dict[str, Any]]] = defaultdict(list)
    material_rows: dict[str, list[int]] = defaultdict(list)
    if MATERIALS_SHEET in workbook.sheetnames:
        sheet = workbook[MATERIALS_SHEET]
        m_positions = _header(sheet, MATERIAL_COLUMNS)
        for m_number, entry in _rows(sheet, m_positions, MAX_MATERIAL_ROWS):
            code = str(entry.pop("item_code", "") or "")
            materials[code].append({k: ("" if v is None else v) for k, v in entry.items()})
            material_rows[code].append(m_number)
    problems: list[RowError] = []
    rows: list[Any] = []
    for number, cells in _rows(items, positions, MAX_ITEM_ROWS):
        data = {
            column: _item_cell(column, value, number, problems) for column, value in cells.items()
        }
        data["materials"] = materials.get(str(data.get("code", "")), [])
        data["_material_rows"] = material_rows.get(str(data.get("code", "")), [])
        data["_row"] = number
        rows.append(data)
    # A material whose item_code names no item of the items sheet would be dropped
    # without a word (a typo lost it): each such row is a problem of its own.
    codes = {str(row.get("code", "")) for row in rows}
    for code, numbers in material_rows.items():
        if code not in codes:
            problems += [
                RowError(m_number, "item_code", str(NO_SUCH_ITEM), MATERIALS_SHEET)
                for m_number in numbers
            ]
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: (p.sheet != ITEMS_SHEET, p.row)))
    return rows


def _header(sheet: Any, columns: tuple[str, ...]) -> dict[str, int]:
    """Where each of ``columns`` is in the sheet's first row (the last, if named twice).
    Other columns are the editor's notes, which no import reads."""
    first = next(sheet.iter_rows(max_row=1, values_only=True), ())
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
    for number, values in enumerate(body, start=2):
        if number > limit + 1:
            raise _too_many_rows(sheet.title, limit)
        cells = {name: values[i] if i < len(values) else None for name, i in positions.items()}
        if any(value not in (None, "") for value in cells.values()):
            yield number, cells


def _too_many_rows(sheet: str, limit: int) -> ImportRejected:
    message = _(
        "The %(sheet)s sheet has more than %(limit)d rows: import the items in smaller files."
    ) % {"sheet": sheet, "limit": limit}
    return ImportRejected([RowError(0, "file", message)])


def _item_cell(column: str, value: Any, number: int, problems: list[RowError]) -> Any:
    """A cell of the items sheet as ``validation.clean_item`` reads it: offices and FAQ
    from their JSON text (a problem of ``problems`` when it is none)."""
    if column in JSON_COLUMNS and isinstance(value, str) and value.strip():
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            problems.append(RowError(number, column, _("Not valid JSON."), ITEMS_SHEET))
            value = []
    return "" if value is None else value
