"""What the parts of an .xlsx file hold, counted as they stream past, before openpyxl
opens the workbook (``transfer.unpacking_problem``).

What openpyxl costs is, above all, a Python object for each element it reads, and it
reads most parts whole: the package's lists of parts and relationships, the styles,
every shared string, each row of a sheet. Filler that no spreadsheet program writes (a
million cell formats, a million strings, a row of a million cells) packs into a few
megabytes within every limit of the archive, and cost openpyxl gigabytes and half a
minute. Each part openpyxl would read is found here as openpyxl finds it, and parsed
as a stream, a few kilobytes at a time, keeping nothing but counts; the first bound
passed stops the parsing and refuses the file.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.packaging.relationship import get_rels_path
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_WORKBOOK,
    REL_NS,
    SHARED_STRINGS,
    XLSM,
    XLSX,
    XLTM,
    XLTX,
)

# The parts openpyxl reads whole (the list of parts, the relationships, the workbook's
# list of sheets, the styles, what a sheet holds besides its rows) have some hundreds of
# elements together in a workbook a spreadsheet program saves, some thousands at most
# (each hyperlink or merged range is one). Counted together, as a workbook may have
# hundreds of sheets, each with relationships of its own.
MAX_ELEMENTS_READ_WHOLE = 100_000
# Opening a workbook, openpyxl makes something of every sheet, and reads each one's
# relationships again, whichever other sheets share them. The import reads two sheets;
# an editor may add a few of notes.
MAX_SHEETS = 100
# A cell format (an ``<xf>`` of the styles) is kept for each look a cell has: a workbook
# has tens. Excel itself stops at 64,000, and a workbook pasted together from many
# others can gather thousands; no catalog's editor gives cells 5,000 looks.
MAX_CELL_FORMATS = 5_000
# Each row is read whole, every cell of it, however few columns are asked for. The items
# sheet has 26 columns; 200 leave room for an editor's notes beside them.
MAX_ROW_CELLS = 200
# ...and all a cell holds with it: its value, a formula, the runs of a formatted text.
MAX_ROW_ELEMENTS = 20 * MAX_ROW_CELLS
# The rows of a sheet the import reads hold no more elements than its cells that are
# read would in the export, three a cell: the cell, its text and the text's string. (A
# spreadsheet program writes two, the cell and the number of its shared string, which
# leaves room for an editor's notes.)
ELEMENTS_PER_CELL = 3
# The shared strings are as many as those cells at most (one a cell), of a few
# elements each on average, however many runs of formatted text a few are made of.
ELEMENTS_PER_STRING = 3

WORKBOOK_TYPES = (XLTM, XLTX, XLSM, XLSX)
RELATIONSHIP_ID = f"{REL_NS} id"  # an attribute's name as expat gives it (``_scan``)
Counted = TypeVar("Counted", bound="_Part")


@dataclass(frozen=True)
class SheetLimit:
    """What the import reads of a sheet: up to ``rows`` rows under the header, each as
    far as its ``columns``."""

    rows: int
    columns: int

    @property
    def cells(self) -> int:
        return (self.rows + 1) * self.columns  # the header's too


def content_problem(archive: zipfile.ZipFile, sheets: Mapping[str, SheetLimit]) -> str | None:
    """Why the parts of ``archive`` would cost openpyxl too much to read (the first
    reason found), for an import that reads ``sheets``, by name; None when they may be
    read, or when openpyxl would find no workbook in it at all (``transfer.parse_excel``
    then says so)."""
    try:
        _check_parts(archive, sheets)
    except _Refused as refused:
        return refused.problem
    return None


def not_a_workbook() -> str:
    return _(
        "This file is not a workbook as spreadsheet programs save one, so it was not "
        "opened. Save it again from your spreadsheet program, or start from an export."
    )


def not_excel() -> str:
    return _("The file is not an Excel workbook.")


def too_many_rows(sheet: str, limit: int) -> str:
    return _(
        "The %(sheet)s sheet has more than %(limit)d rows: import the items in smaller files."
    ) % {"sheet": sheet, "limit": limit}


def too_many_sheets() -> str:
    return _(
        "The workbook has more than %(limit)d sheets: keep the items and materials sheets in "
        "a workbook of their own."
    ) % {"limit": MAX_SHEETS}


def too_wide(sheet: str) -> str:
    return _(
        "A row of the %(sheet)s sheet has more than %(limit)d cells: delete the columns "
        "the import does not read, or start from an export."
    ) % {"sheet": sheet, "limit": MAX_ROW_CELLS}


def too_full(sheet: str) -> str:
    return _(
        "The %(sheet)s sheet holds too much for one import: import the items in smaller files."
    ) % {"sheet": sheet}


def too_many_strings(limit: int) -> str:
    return _(
        "The workbook holds more than %(limit)d different texts: import the items in smaller files."
    ) % {"limit": limit}


def too_many_formats() -> str:
    return _(
        "The workbook has more than %(limit)d cell formats: paste the items as values "
        "into an export, and import that."
    ) % {"limit": MAX_CELL_FORMATS}


class _Refused(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _check_parts(archive: zipfile.ZipFile, sheets: Mapping[str, SheetLimit]) -> None:
    whole = _ReadWhole()
    manifest = _scan(archive, ARC_CONTENT_TYPES, _Manifest(whole))
    if manifest is None:
        return
    for part in (ARC_CORE, ARC_CUSTOM):
        _scan(archive, part, _Part(whole))
    _scan(archive, ARC_STYLE, _Styles(whole))
    strings = sum(sheet.cells for sheet in sheets.values())
    for part in manifest.parts_of(SHARED_STRINGS):
        _scan(archive, part, _SharedStrings(whole, strings))
    for workbook in manifest.workbooks():
        _check_sheets(archive, workbook, sheets, whole)


def _check_sheets(
    archive: zipfile.ZipFile, workbook: str, read: Mapping[str, SheetLimit], whole: _ReadWhole
) -> None:
    """The sheets of ``workbook`` as openpyxl reads them in read-only mode: each one's
    relationships, and each chart sheet, whole when the workbook is opened; a worksheet
    a row at a time, and only when it is read (the import reads those of ``read``)."""
    book = _scan(archive, workbook, _Workbook(whole))
    relationships_path = get_rels_path(workbook)
    relationships = _scan(archive, relationships_path, _Relationships(whole, relationships_path))
    if book is None or relationships is None:
        return
    if len(book.sheets) > MAX_SHEETS:
        raise _Refused(too_many_sheets())
    rows_counted: set[tuple[str, str]] = set()
    for name, relationship_id in book.sheets:
        if relationship_id not in relationships.targets:
            continue
        target, kind = relationships.targets[relationship_id]
        _scan(archive, get_rels_path(target), _Part(whole))
        if "chartsheet" in kind:
            _scan(archive, target, _Part(whole))
        elif name in read and (name, target) not in rows_counted:
            # Of sheets of one name, openpyxl reads but the first: each counted once.
            rows_counted.add((name, target))
            _scan(archive, target, _Rows(whole, name, read[name]))


def _scan(archive: zipfile.ZipFile, part: str, counter: Counted) -> Counted | None:
    """``counter`` having counted all of ``part``; None when the archive has no such
    part (openpyxl then does without it, or says what is missing)."""
    try:
        archive.getinfo(part)
    except KeyError:
        return None
    parser = expat.ParserCreate(namespace_separator=" ")
    # Refused as defusedxml refuses them when openpyxl reads: a few declared entities
    # can expand to gigabytes (a billion laughs).
    parser.EntityDeclHandler = _refuse_entities
    parser.UnparsedEntityDeclHandler = _refuse_entities
    parser.StartElementHandler = counter.start
    if counter.counts_ends:
        parser.EndElementHandler = counter.end
    try:
        with archive.open(part) as stream:
            parser.ParseFile(stream)
    except (
        expat.ExpatError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,  # packed in a way zipfile cannot unpack
        RuntimeError,  # encrypted
    ) as exc:
        raise _Refused(not_excel()) from exc
    return counter


def _refuse_entities(*args: object) -> None:
    raise _Refused(not_excel())


def _local(name: str) -> str:
    """An element's name without its namespace (expat gives ``namespace name``):
    openpyxl matches most elements by that alone, so counting by it counts all it
    could take."""
    return name.rpartition(" ")[2]


class _ReadWhole:
    """The elements of all the parts read whole, so far."""

    def __init__(self) -> None:
        self.elements = 0

    def count(self) -> None:
        self.elements += 1
        if self.elements > MAX_ELEMENTS_READ_WHOLE:
            raise _Refused(not_a_workbook())


class _Part:
    """A part read whole, each element counted in ``whole``."""

    counts_ends = False  # whether ``end`` is called too (a call for each element)

    def __init__(self, whole: _ReadWhole) -> None:
        self.whole = whole

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.whole.count()

    def end(self, name: str) -> None:
        pass


class _Manifest(_Part):
    """The list of parts (``[Content_Types].xml``), and what each is."""

    def __init__(self, whole: _ReadWhole) -> None:
        super().__init__(whole)
        self.overrides: list[tuple[str, str]] = []
        self.default_types: set[str] = set()

    def start(self, name: str, attributes: dict[str, str]) -> None:
        super().start(name, attributes)
        kind = attributes.get("ContentType", "")
        if _local(name) == "Override":
            # openpyxl drops a part's first character, the leading slash.
            self.overrides.append((attributes.get("PartName", "")[1:], kind))
        elif _local(name) == "Default":
            self.default_types.add(kind)

    def parts_of(self, kind: str) -> list[str]:
        return [part for part, part_kind in self.overrides if part_kind == kind]

    def workbooks(self) -> list[str]:
        """Every part openpyxl might take for the workbook (it takes one of them, by a
        preference of its own)."""
        parts = [part for part, kind in self.overrides if kind in WORKBOOK_TYPES]
        if self.default_types.intersection(WORKBOOK_TYPES):
            parts.append(ARC_WORKBOOK)
        return parts


class _Styles(_Part):
    def __init__(self, whole: _ReadWhole) -> None:
        super().__init__(whole)
        self.formats = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        super().start(name, attributes)
        if _local(name) == "xf":  # of cellXfs and cellStyleXfs both
            self.formats += 1
            if self.formats > MAX_CELL_FORMATS:
                raise _Refused(too_many_formats())


class _SharedStrings(_Part):
    """The strings the cells share, which openpyxl keeps all of (any cell may use any
    of them): no more than ``limit``, of ``ELEMENTS_PER_STRING`` elements on average."""

    def __init__(self, whole: _ReadWhole, limit: int) -> None:
        super().__init__(whole)
        self.limit = limit
        self.strings = 0
        self.elements_left = 1 + ELEMENTS_PER_STRING * limit  # and the list's own

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements_left -= 1
        if self.elements_left < 0:
            raise _Refused(not_a_workbook())
        if _local(name) == "si":
            self.strings += 1
            if self.strings > self.limit:
                raise _Refused(too_many_strings(self.limit))


class _Workbook(_Part):
    """The workbook's sheets, each a name and a relationship, from any element that
    carries them: openpyxl takes every child of ``<sheets>`` for a sheet, and its
    ``id`` with or without a namespace."""

    def __init__(self, whole: _ReadWhole) -> None:
        super().__init__(whole)
        self.sheets: list[tuple[str, str]] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        super().start(name, attributes)
        for key in (RELATIONSHIP_ID, "id"):
            if key in attributes:
                self.sheets.append((attributes.get("name", ""), attributes[key]))


class _Relationships(_Part):
    """A part's relationships (``path``) by id, each the part it leads to and its kind,
    as openpyxl finds them (``openpyxl.packaging.relationship.get_dependents``): every
    child of ``<Relationships>`` is one, the last of an id counts, and an external one's
    target is taken as written (openpyxl reads it too if the archive has such a part)."""

    def __init__(self, whole: _ReadWhole, path: str) -> None:
        super().__init__(whole)
        self.parent = posixpath.split(posixpath.dirname(path))[0]
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attributes: dict[str, str]) -> None:
        super().start(name, attributes)
        target = attributes.get("Target")
        if target is None:
            return
        if attributes.get("TargetMode") != "External":
            target = self._in_archive(target)
        self.targets[attributes.get("Id", "")] = (target, attributes.get("Type", ""))

    def _in_archive(self, target: str) -> str:
        if target.startswith("/"):
            return target[1:]
        return posixpath.normpath(posixpath.join(self.parent, target))


class _Rows(_Part):
    """A worksheet the import reads, a row at a time and each row whole: no more rows
    than its limit (and the header); in each row no more cells than ``MAX_ROW_CELLS``,
    nor elements than ``MAX_ROW_ELEMENTS``; in all its rows no more elements than the
    cells read would be in the export. What it holds outside its rows is read whole."""

    counts_ends = True

    def __init__(self, whole: _ReadWhole, sheet: str, limit: SheetLimit) -> None:
        super().__init__(whole)
        self.sheet = sheet
        self.limit = limit
        self.elements_left = ELEMENTS_PER_CELL * limit.cells
        self.rows = 0
        self.depth_in_row = 0  # 1 in a row, 2 in one of its cells, and so on
        self.cells = 0
        self.row_elements = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if not self.depth_in_row:
            if _local(name) == "row":
                self._start_row()
            else:
                super().start(name, attributes)
            return
        self.depth_in_row += 1
        self.row_elements += 1
        self.elements_left -= 1
        if self.row_elements > MAX_ROW_ELEMENTS:
            raise _Refused(not_a_workbook())
        if self.elements_left < 0:
            raise _Refused(too_full(self.sheet))
        if self.depth_in_row == 2:  # openpyxl takes every child of a row for a cell
            self.cells += 1
            if self.cells > MAX_ROW_CELLS:
                raise _Refused(too_wide(self.sheet))

    def end(self, name: str) -> None:
        if self.depth_in_row:
            self.depth_in_row -= 1

    def _start_row(self) -> None:
        self.rows += 1
        if self.rows > self.limit.rows + 1:
            raise _Refused(too_many_rows(self.sheet, self.limit.rows))
        self.depth_in_row = 1
        self.cells = self.row_elements = 0
