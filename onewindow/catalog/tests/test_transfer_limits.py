"""What a file may cost to read (``transfer``): a workbook refused from its zip's
directory before anything is unpacked, sheets read a row at a time up to their limit,
and the export still read back whole in read-only mode."""

import io
import zipfile
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from onewindow.catalog import queries, transfer
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.rows import ImportRejected

SHEET_XML = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = (
    b'<row r="1">'
    + b"".join(
        b'<c t="inlineStr"><is><t>%s</t></is></c>' % name.encode()
        for name in transfer.ITEM_COLUMNS  # as the export has them
    )
    + b"</row>"
)
FILLER_ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
NOT_A_WORKBOOK = (
    "This file is not a workbook as spreadsheet programs save one, so it was not opened. "
    "Save it again from your spreadsheet program, or start from an export."
)


def workbook_around(sheet_xml: bytes, *, extra_parts: dict[str, bytes] | None = None) -> bytes:
    """A workbook whose items sheet is ``sheet_xml`` as given, the other parts as
    openpyxl writes them, and ``extra_parts`` added (stored: not packed at all)."""
    workbook = Workbook(write_only=True)
    workbook.create_sheet("items")
    workbook.create_sheet("materials")  # empty: no materials
    written = io.BytesIO()
    workbook.save(written)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(written) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for part in source.infolist():
            is_items = part.filename == "xl/worksheets/sheet1.xml"
            archive.writestr(part.filename, sheet_xml if is_items else source.read(part))
        for name, data in (extra_parts or {}).items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def filler_sheet(rows: int) -> bytes:
    """The finding's sheet: a code, department, name header and ``rows`` rows of x."""
    return SHEET_XML + b"<sheetData>" + HEADER_ROW + FILLER_ROW * rows + b"</sheetData></worksheet>"


def refusal(raw: bytes) -> list[tuple[int, str, str]]:
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        transfer.parse_excel(raw)
    return [(p.row, p.field, p.message) for p in rejected.value.rows]


def unopened(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, no part of any archive may be unpacked, nor a workbook opened."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the archive was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    monkeypatch.setattr(transfer, "load_workbook", refuse)


# --- the archive, before anything is unpacked ----------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory_without_being_unpacked(monkeypatch):
    # The finding: 300,000 rows of x, a file of some hundred KB packed from 15 MB.
    raw = workbook_around(filler_sheet(300_000))
    assert len(raw) < 200 * 1024
    unopened(monkeypatch)
    assert refusal(raw) == [(0, "file", NOT_A_WORKBOOK)]


def test_a_workbook_of_many_parts_is_refused_unopened(monkeypatch):
    parts = {f"xl/media/image{n}.png": b"" for n in range(transfer.MAX_ARCHIVE_PARTS)}
    raw = workbook_around(filler_sheet(1), extra_parts=parts)
    unopened(monkeypatch)
    assert refusal(raw) == [(0, "file", NOT_A_WORKBOOK)]


def test_a_workbook_that_unpacks_too_big_is_refused_unopened(monkeypatch):
    # Stored, not packed, so that no part looks like filler: only the total is at fault.
    big = {"xl/media/scan.bin": b"\x00" * (transfer.MAX_UNPACKED_BYTES + 1)}
    raw = workbook_around(filler_sheet(1), extra_parts=big)
    unopened(monkeypatch)
    assert refusal(raw) == [
        (
            0,
            "file",
            "The workbook unpacks to more than 50 MB (an .xlsx file is compressed): import "
            "the items in smaller files.",
        )
    ]


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (chr(98 + n).encode(), b"&%s;" % chr(97 + n).encode() * 10)
        for n in range(8)
    )
    + b"]>"
)


def test_a_sheet_declaring_entities_is_refused_without_expanding_them():
    """A billion laughs in the items sheet: nine lines that expand to a gigabyte."""
    sheet = ENTITY_BOMB + filler_sheet(1).replace(b"<t>x</t>", b"<t>&i;</t>")
    raw = workbook_around(sheet)
    assert refusal(raw) == [(0, "file", "The file is not an Excel workbook.")]


def test_a_small_part_may_be_packed_tightly():
    # 60 KB of x rows pack more than a hundredfold; as small as that, they cost nothing.
    raw = workbook_around(filler_sheet(1_000))
    assert transfer.unpacking_problem(io.BytesIO(raw)) is None


def test_the_directory_is_read_from_an_upload_left_at_its_start():
    upload = io.BytesIO(workbook_around(filler_sheet(300_000)))
    upload.seek(10)
    assert transfer.unpacking_problem(upload) is not None
    assert upload.tell() == 0
    not_a_zip = io.BytesIO(b"code,department\n")
    assert transfer.unpacking_problem(not_a_zip) is None  # parse_excel says what it is
    assert not_a_zip.tell() == 0


# --- rows, read one at a time up to the limit ----------------------------------------


def rows_workbook(items: int, *, materials: int = 0, blank_after: int = 0) -> bytes:
    """An items sheet of every column and ``items`` rows, each a code, department and
    name (and ``blank_after`` blank rows below them), with ``materials`` rows of
    materials."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("items")
    sheet.append(list(transfer.ITEM_COLUMNS))  # as the export has it
    for number in range(items):
        sheet.append([f"310000-GA-QR-{number:04d}", "310000-GA", "x"])
    for _number in range(blank_after):
        sheet.append([None, "", None])
    material_sheet = workbook.create_sheet("materials")
    material_sheet.append(list(transfer.MATERIAL_COLUMNS))
    for _number in range(materials):
        material_sheet.append(["310000-GA-QR-0000", "身份证"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def too_many_rows(sheet: str, limit: int) -> list[tuple[int, str, str]]:
    message = f"The {sheet} sheet has more than {limit} rows: import the items in smaller files."
    return [(0, "file", message)]


def test_an_items_sheet_of_the_limits_rows_is_read(monkeypatch):
    monkeypatch.setattr(transfer, "MAX_ITEM_ROWS", 3)
    rows = transfer.parse_excel(rows_workbook(3))
    assert [row["_row"] for row in rows] == [2, 3, 4]


def test_an_items_sheet_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(transfer, "MAX_ITEM_ROWS", 3)
    assert refusal(rows_workbook(4)) == too_many_rows("items", 3)


def test_blank_rows_left_below_the_items_count_towards_the_limit(monkeypatch):
    # Each costs as much to read as a full one; blank rows within the limit are skipped.
    monkeypatch.setattr(transfer, "MAX_ITEM_ROWS", 3)
    assert len(transfer.parse_excel(rows_workbook(2, blank_after=1))) == 2
    assert refusal(rows_workbook(2, blank_after=2)) == too_many_rows("items", 3)


def test_a_materials_sheet_past_its_limit_is_refused(monkeypatch):
    monkeypatch.setattr(transfer, "MAX_MATERIAL_ROWS", 3)
    [row] = transfer.parse_excel(rows_workbook(1, materials=3))
    assert row["_material_rows"] == [2, 3, 4]
    assert refusal(rows_workbook(1, materials=4)) == too_many_rows("materials", 3)


def test_the_finding_is_refused_at_the_limit_before_the_workbook_is_opened(monkeypatch):
    # Rows that pass the archive's directory (each its own text, packed less tightly
    # than filler) are counted as the sheet streams past (``workbook_check``): refused
    # at the first row past the limit, whatever follows, and the workbook unopened.
    raw = rows_workbook(transfer.MAX_ITEM_ROWS + 1)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert transfer._directory_problem(archive.infolist()) is None

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(transfer, "load_workbook", refuse)
    assert refusal(raw) == too_many_rows("items", transfer.MAX_ITEM_ROWS)


def test_rows_numbered_past_the_limit_are_refused_as_they_are_read(monkeypatch):
    # Two rows of XML, the second numbered 5: what openpyxl reads is rows 2 to 5, the
    # three between blank, so the sheet is refused as it is read, not before.
    monkeypatch.setattr(transfer, "MAX_ITEM_ROWS", 3)
    far_row = b'<row r="5"><c t="inlineStr"><is><t>x</t></is></c></row>'
    raw = workbook_around(
        SHEET_XML + b"<sheetData>" + HEADER_ROW + far_row + b"</sheetData></worksheet>"
    )
    assert transfer.unpacking_problem(io.BytesIO(raw)) is None
    assert refusal(raw) == too_many_rows("items", 3)


def test_a_json_file_of_more_items_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(transfer, "MAX_ITEM_ROWS", 2)
    assert len(transfer.parse_json(b"[{}, {}]")) == 2
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        transfer.parse_json(b"[{}, {}, {}]")
    assert [(p.row, p.field, p.message) for p in rejected.value.rows] == [
        (0, "file", "The file holds more than 2 items: import them in smaller files.")
    ]


# --- the export, read back in read-only mode -----------------------------------------


def published_versions() -> list[Any]:
    return [queries.published_version(item.code) for item in ServiceItem.objects.order_by("code")]


@pytest.mark.django_db
def test_an_edited_export_reads_back_as_the_export(catalog):
    """What an editor's spreadsheet program leaves in a workbook changes nothing read:
    formatted blank rows below the items, merged cells and notes in a column of their
    own, a sheet of notes."""
    exported = transfer.export_excel(published_versions())
    workbook = load_workbook(io.BytesIO(exported))
    items = workbook["items"]
    notes = items.max_column + 2  # a blank column, then the editor's notes
    items.cell(row=1, column=notes, value="备注")
    items.cell(row=2, column=notes, value="与下一行一并核对")
    items.merge_cells(start_row=2, start_column=notes, end_row=3, end_column=notes + 1)
    for row in range(items.max_row + 1, items.max_row + 30):
        items.cell(row=row, column=1).fill = PatternFill("solid", fgColor="FFFF00")
    workbook.create_sheet("notes").append(["待办", "核对材料"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert transfer.parse_excel(buffer.getvalue()) == transfer.parse_excel(exported)
    assert len(transfer.parse_excel(exported)) == ServiceItem.objects.count()


# --- JSON, nested no deeper than a catalog's ------------------------------------------

NESTED_TOO_DEEP = "Lists or objects are nested more than 20 deep."


def json_refusal(raw: bytes) -> list[tuple[int, str, str]]:
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        transfer.parse_json(raw)
    return [(p.row, p.field, p.message) for p in rejected.value.rows]


def test_a_json_file_nested_a_hundred_thousand_deep_is_refused_not_a_server_error():
    # The finding: "[" 100,001 times, and Python's parser raised a RecursionError.
    assert json_refusal(b"[" * 100_001) == [(0, "file", NESTED_TOO_DEEP)]


def test_a_json_file_nested_deeper_than_the_limit_is_refused():
    assert len(transfer.parse_json(b"[" * 20 + b"]" * 20)) == 1
    assert json_refusal(b"[" * 21 + b"]" * 21) == [(0, "file", NESTED_TOO_DEEP)]
    deep_object = b'[{"offices": [{"a": ' + b"[" * 18 + b"]" * 18 + b"}]}]"
    assert json_refusal(deep_object) == [(0, "file", NESTED_TOO_DEEP)]


def test_a_number_python_will_not_read_is_no_json():
    # Python reads no integer of more than 4,300 digits (a ValueError, once a server error).
    assert json_refusal(b"[" + b"1" * 5_000 + b"]") == [
        (0, "file", "The file is not valid UTF-8 JSON.")
    ]


def offices_workbook(cell: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("items")
    sheet.append(list(transfer.ITEM_COLUMNS))
    values = {"code": "310000-GA-QR-0001", "department": "310000-GA", "name": "x", "offices": cell}
    sheet.append([values.get(column) for column in transfer.ITEM_COLUMNS])
    workbook.create_sheet("materials")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("[" * 100_001, NESTED_TOO_DEEP),
        ("[" * 21 + "]" * 21, NESTED_TOO_DEEP),
        ("[" + "1" * 5_000 + "]", "Not valid JSON."),
    ],
    ids=["a hundred thousand deep", "just too deep", "a number of 5,000 digits"],
)
def test_a_json_cell_python_cannot_read_is_a_problem_of_its_cell(cell, message):
    # Not raised: the import reports it with the rows' other problems (``rows.ReadRows``).
    with translation.override("en"):
        rows = transfer.parse_excel(offices_workbook(cell))
    assert [(at, p.sheet, p.row, p.field, p.message) for at, p in rows.problems] == [
        (0, "items", 2, "offices", message)
    ]
    assert rows[0]["offices"] == []  # read as empty: no second problem of the cell
