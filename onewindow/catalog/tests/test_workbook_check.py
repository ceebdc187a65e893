"""What a workbook's parts may hold (``workbook_check``), counted before openpyxl opens
it: the tester's styles, shared strings and wide row, each just past its bound and
refused unopened, the bounds that follow the import's limits, the parts found where
openpyxl finds them, and workbooks within the bounds still read."""

import io
import os
import zipfile
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook
from openpyxl.chart import BarChart

from onewindow.catalog import transfer, workbook_check
from onewindow.catalog.rows import ImportRejected

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHARED_STRINGS = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
ITEMS_PART = "xl/worksheets/sheet1.xml"
MATERIALS_PART = "xl/worksheets/sheet2.xml"
NOT_A_WORKBOOK = (
    "This file is not a workbook as spreadsheet programs save one, so it was not opened. "
    "Save it again from your spreadsheet program, or start from an export."
)
NOT_EXCEL = "The file is not an Excel workbook."


def text(value: str) -> bytes:
    return b'<c t="inlineStr"><is><t>%s</t></is></c>' % value.encode()


def row(*cells: bytes) -> bytes:
    return b"<row>" + b"".join(cells) + b"</row>"


def sheet(*rows: bytes) -> bytes:
    return b"<worksheet %s><sheetData>%s</sheetData></worksheet>" % (MAIN, b"".join(rows))


HEADER = row(*(text(column) for column in transfer.ITEM_COLUMNS))  # as the export has it
ITEM = row(text("310000-GA-QR-0001"), text("310000-GA"), text("x"))


def workbook(
    parts: dict[str, bytes] | None = None, *, notes: bool = False, strings_at: str = ""
) -> bytes:
    """An items sheet of one item and an empty materials sheet (and a notes sheet),
    as openpyxl writes them, with ``parts`` put in their place or added; shared strings
    declared at ``strings_at``."""
    written = Workbook(write_only=True)
    for title in ("items", "materials", *(["notes"] if notes else [])):
        written.create_sheet(title)
    buffer = io.BytesIO()
    written.save(buffer)
    given = {ITEMS_PART: sheet(HEADER, ITEM), **(parts or {})}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name in source.namelist():
            data = given.pop(name) if name in given else source.read(name)
            if name == "[Content_Types].xml" and strings_at:
                declared = b'<Override PartName="/%s" ContentType="%s"/>' % (
                    strings_at.encode(),
                    SHARED_STRINGS,
                )
                data = data.replace(b"</Types>", declared + b"</Types>")
            archive.writestr(name, data)
        for name, data in given.items():
            archive.writestr(name, data)
    return out.getvalue()


def refusal(raw: bytes) -> list[tuple[int, str, str]]:
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        transfer.parse_excel(raw)
    return [(p.row, p.field, p.message) for p in rejected.value.rows]


def problem(raw: bytes) -> str | None:
    with translation.override("en"):
        return transfer.unpacking_problem(io.BytesIO(raw))


@pytest.fixture
def unopened(monkeypatch: pytest.MonkeyPatch) -> None:
    """No workbook may be opened by openpyxl from now on."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(transfer, "load_workbook", refuse)


def test_the_base_workbook_is_read():
    [item] = transfer.parse_excel(workbook())
    assert item["code"] == "310000-GA-QR-0001"


# --- styles -------------------------------------------------------------------------


def styles(formats: int, *, prolog: bytes = b"") -> bytes:
    xfs = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * formats
    return (
        prolog + b"<styleSheet %s><fonts><font/></fonts>"
        b'<fills><fill><patternFill patternType="none"/></fill></fills>'
        b"<borders><border/></borders><cellStyleXfs><xf/></cellStyleXfs>"
        b"<cellXfs>%s</cellXfs>"
        b'<cellStyles><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        b"</styleSheet>" % (MAIN, xfs)
    )


def test_the_styles_bomb_is_refused_unopened_at_one_format_past_the_bound(unopened):
    # The finding: 1.6 million formats (48 MB) cost openpyxl 1.8 GB and 25 seconds.
    # One cellStyleXfs format and the cellXfs ones count together.
    raw = workbook({"xl/styles.xml": styles(workbook_check.MAX_CELL_FORMATS)})
    assert refusal(raw) == [
        (
            0,
            "file",
            "The workbook has more than 5000 cell formats: paste the items as values into an "
            "export, and import that.",
        )
    ]


def test_styles_of_as_many_formats_as_the_bound_are_read():
    raw = workbook({"xl/styles.xml": styles(workbook_check.MAX_CELL_FORMATS - 1)})
    assert len(transfer.parse_excel(raw)) == 1


def test_styles_that_declare_entities_are_refused_unopened(unopened):
    prolog = b'<!DOCTYPE styleSheet [<!ENTITY a "aaaaaaaaaa">]>'
    raw = workbook({"xl/styles.xml": styles(1, prolog=prolog)})
    assert refusal(raw) == [(0, "file", NOT_EXCEL)]


def test_styles_openpyxl_cannot_make_sense_of_are_no_workbook():
    # A fill that is no fill: openpyxl raises a TypeError, once a server error.
    broken = styles(1).replace(b'<fill><patternFill patternType="none"/></fill>', b"<fill/>")
    assert refusal(workbook({"xl/styles.xml": broken})) == [(0, "file", NOT_EXCEL)]


# --- shared strings -----------------------------------------------------------------


def shared_strings(count: int, *, runs: int = 0) -> bytes:
    body = b"<r><t>x</t></r>" * runs if runs else b"<t>x</t>"
    entry = b"<si>" + body + b"</si>"
    return b"<sst %s>%s</sst>" % (MAIN, entry * count)


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> int:
    """One item and one material a file: the strings the cells read can hold, a header
    and a row of each sheet's columns."""
    monkeypatch.setattr(transfer, "MAX_ITEM_ROWS", 1)
    monkeypatch.setattr(transfer, "MAX_MATERIAL_ROWS", 1)
    return 2 * len(transfer.ITEM_COLUMNS) + 2 * len(transfer.MATERIAL_COLUMNS)


def test_the_shared_strings_are_bounded_by_what_the_rows_can_hold(small_limits, unopened):
    # The finding: 2.6 million strings cost openpyxl 24 seconds. The bound is a string
    # for each cell the import reads: here 76, a header and a row of each sheet.
    assert small_limits == 76
    at = "xl/sharedStrings.xml"
    assert problem(workbook({at: shared_strings(76)}, strings_at=at)) is None
    assert refusal(workbook({at: shared_strings(77)}, strings_at=at)) == [
        (
            0,
            "file",
            "The workbook holds more than 76 different texts: import the items in smaller files.",
        )
    ]


def test_the_real_bound_of_shared_strings_follows_the_real_limits():
    limits = transfer._sheets_read().values()
    assert sum(sheet.cells for sheet in limits) == 5_001 * 26 + 50_001 * 12


def test_shared_strings_are_found_where_the_list_of_parts_puts_them(small_limits, unopened):
    at = "xl/elsewhere/texts.xml"
    assert problem(workbook({at: shared_strings(77)}, strings_at=at)) is not None


def test_strings_of_many_runs_of_formatted_text_are_refused(small_limits, unopened):
    # One string may have many runs, if the strings have a few elements each on average.
    at = "xl/sharedStrings.xml"
    assert problem(workbook({at: shared_strings(1, runs=100)}, strings_at=at)) is None
    assert refusal(workbook({at: shared_strings(1, runs=120)}, strings_at=at)) == [
        (0, "file", NOT_A_WORKBOOK)
    ]


# --- the sheets' rows ---------------------------------------------------------------


def too_wide(sheet: str) -> list[tuple[int, str, str]]:
    message = (
        f"A row of the {sheet} sheet has more than 200 cells: delete the columns the "
        "import does not read, or start from an export."
    )
    return [(0, "file", message)]


def notes(count: int) -> list[bytes]:
    return [text(f"备注{n}") for n in range(count)]


def test_the_wide_header_row_is_refused_unopened_at_one_cell_past_the_bound(unopened):
    # The finding: one row of 1.7 million cells and no <dimension> cost 2.2 GB and 29
    # seconds, openpyxl reading every cell of a row however few columns are asked for.
    wide = row(text("code"), text("department"), text("name"), *notes(198))
    assert refusal(workbook({ITEMS_PART: sheet(wide, ITEM)})) == too_wide("items")


def test_a_row_as_wide_as_the_bound_is_read():
    columns = transfer.ITEM_COLUMNS
    wide = row(*(text(column) for column in columns), *notes(200 - len(columns)))
    [item] = transfer.parse_excel(workbook({ITEMS_PART: sheet(wide, ITEM)}))
    assert item["code"] == "310000-GA-QR-0001"


def test_the_materials_sheet_is_bounded_too(unopened):
    wide = row(*notes(201))
    assert refusal(workbook({MATERIALS_PART: sheet(wide)})) == too_wide("materials")


def test_a_cell_of_many_runs_of_formatted_text_is_refused(unopened):
    runs = b"<r><t>x</t></r>" * (workbook_check.MAX_ROW_ELEMENTS // 2)
    rich = b'<c t="inlineStr"><is>%s</is></c>' % runs
    raw = workbook({ITEMS_PART: sheet(HEADER, row(rich))})
    assert refusal(raw) == [(0, "file", NOT_A_WORKBOOK)]


def test_a_sheet_holding_more_than_its_cells_in_the_export_is_refused(monkeypatch, unopened):
    # Two materials: their sheet may hold what a header and two rows of its 12 columns
    # are in the export, 3 elements a cell (108); rows of 30 numbers are 60 each.
    monkeypatch.setattr(transfer, "MAX_MATERIAL_ROWS", 2)
    numbers = row(*[b"<c><v>1</v></c>"] * 30)
    assert problem(workbook({MATERIALS_PART: sheet(numbers)})) is None
    assert refusal(workbook({MATERIALS_PART: sheet(numbers, numbers)})) == [
        (
            0,
            "file",
            "The materials sheet holds too much for one import: import the items in smaller files.",
        )
    ]


def test_a_sheet_the_import_does_not_read_is_not_counted():
    # read-only, openpyxl never parses it.
    raw = workbook({"xl/worksheets/sheet3.xml": sheet(row(*notes(1_000)))}, notes=True)
    assert len(transfer.parse_excel(raw)) == 1


def test_a_sheet_is_found_where_the_workbook_relates_it(unopened):
    # openpyxl reads the part the items sheet's relationship leads to, whatever its
    # name: here one relative to the workbook, in a folder of its own.
    with zipfile.ZipFile(io.BytesIO(workbook())) as source:
        rels = source.read("xl/_rels/workbook.xml.rels")
    moved = rels.replace(b"/xl/worksheets/sheet1.xml", b"odd/place.bin")
    assert moved != rels
    wide = sheet(row(*notes(201)))
    raw = workbook({"xl/odd/place.bin": wide, "xl/_rels/workbook.xml.rels": moved})
    assert refusal(raw) == too_wide("items")


def test_an_external_relationship_to_a_part_of_the_archive_is_followed(unopened):
    # openpyxl takes an external target as written, and reads it if the archive has it.
    with zipfile.ZipFile(io.BytesIO(workbook())) as source:
        rels = source.read("xl/_rels/workbook.xml.rels")
    moved = rels.replace(
        b'Target="/xl/worksheets/sheet1.xml"', b'Target="odd/place.xml" TargetMode="External"'
    )
    assert moved != rels
    wide = sheet(row(*notes(201)))
    raw = workbook({"odd/place.xml": wide, "xl/_rels/workbook.xml.rels": moved})
    assert refusal(raw) == too_wide("items")


def test_a_workbook_of_more_sheets_than_the_bound_is_refused_unopened(unopened):
    # Each costs openpyxl something when the workbook is opened: 20,000 took 3 seconds.
    with zipfile.ZipFile(io.BytesIO(workbook())) as source:
        book = source.read("xl/workbook.xml")
    entry = b'<sheet name="notes%d" sheetId="%d" id="rId2"/>'
    # The workbook has two already, items and materials.
    extra = b"".join(entry % (n, n + 10) for n in range(workbook_check.MAX_SHEETS - 2))
    more = book.replace(b"</sheets>", extra + b"</sheets>")
    assert problem(workbook({"xl/workbook.xml": more})) is None
    most = more.replace(b"</sheets>", entry % (999, 999) + b"</sheets>")
    assert refusal(workbook({"xl/workbook.xml": most})) == [
        (
            0,
            "file",
            "The workbook has more than 100 sheets: keep the items and materials sheets in a "
            "workbook of their own.",
        )
    ]


# --- the parts read whole -----------------------------------------------------------


def relationships(count: int) -> bytes:
    entry = b'<Relationship Id="r%d" Type="t" Target="x.xml"/>'
    return (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + b"".join(entry % n for n in range(count))
        + b"</Relationships>"
    )


def test_the_parts_read_whole_are_counted_together(monkeypatch, unopened):
    # Each sheet's relationships are read whole, however many sheets there are.
    monkeypatch.setattr(workbook_check, "MAX_ELEMENTS_READ_WHOLE", 1_000)
    one = {"xl/worksheets/_rels/sheet1.xml.rels": relationships(600)}
    assert problem(workbook(one)) is None
    two = {**one, "xl/worksheets/_rels/sheet2.xml.rels": relationships(600)}
    assert refusal(workbook(two)) == [(0, "file", NOT_A_WORKBOOK)]


def test_a_list_of_parts_past_the_bound_is_refused(monkeypatch, unopened):
    monkeypatch.setattr(workbook_check, "MAX_ELEMENTS_READ_WHOLE", 1_000)
    override = b'<Override PartName="/x%d.xml" ContentType="application/xml"/>'
    filler = b"".join(override % n for n in range(1_000))
    raw = workbook()
    with zipfile.ZipFile(io.BytesIO(raw)) as source:
        types = source.read("[Content_Types].xml").replace(b"</Types>", filler + b"</Types>")
    assert refusal(workbook({"[Content_Types].xml": types})) == [(0, "file", NOT_A_WORKBOOK)]


# --- what openpyxl reads of a sheet, once a server error ------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        b'<c t="s"><v>5</v></c>',  # a shared string that is not there
        b"<c><v>abc</v></c>",  # a number that is none
        b'<c t="d"><v>nope</v></c>',  # a date that is none
        b'<c r="!!"><v>1</v></c>',  # a cell nowhere
    ],
)
def test_a_cell_openpyxl_cannot_make_sense_of_is_no_workbook(cell):
    assert refusal(workbook({ITEMS_PART: sheet(HEADER, row(cell))})) == [(0, "file", NOT_EXCEL)]


def test_a_chart_sheet_named_items_is_no_items_sheet():
    written = Workbook()
    written.remove(written.active)
    written.create_chartsheet("items").add_chart(BarChart())
    buffer = io.BytesIO()
    written.save(buffer)
    assert refusal(buffer.getvalue()) == [(0, "file", "The workbook has no sheet named items.")]


def test_a_chart_sheet_without_its_relationships_is_no_workbook():
    # openpyxl fails on it with an AttributeError, once a server error.
    written = Workbook()
    written.create_chartsheet("chart")
    buffer = io.BytesIO()
    written.save(buffer)
    assert refusal(buffer.getvalue()) == [(0, "file", NOT_EXCEL)]


def test_a_part_lxml_will_not_parse_is_no_workbook():
    # openpyxl parses the workbook with lxml, which refuses a text of over 10 MB (an
    # XMLSyntaxError, once a server error); expat, which counted it, does not.
    with zipfile.ZipFile(io.BytesIO(workbook())) as source:
        book = source.read("xl/workbook.xml")
    long_name = b'<definedName name="long">%s</definedName>' % os.urandom(5_300_000).hex().encode()
    book = book.replace(b"<definedNames/>", b"<definedNames>%s</definedNames>" % long_name)
    assert refusal(workbook({"xl/workbook.xml": book})) == [(0, "file", NOT_EXCEL)]
