import io
import json
import zipfile
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from onewindow.audit.models import AuditEvent
from onewindow.catalog import imports, queries, reviews, rows, services, transfer
from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.catalog.rows import ImportRejected
from onewindow.catalog.tests.conftest import item_row
from onewindow.conftest import make_user
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db

RICH = item_row(
    code="310000-GA-XK-0009",
    department="310000-GA",
    name="机动车驾驶证申领",
    name_en="Applying for a driving licence",
    kind="licensing",
    level=3,
    topics=("household",),
    co_departments=["310000-WJ", "310000-RS"],
    is_free=False,
    fee_amount="10.50",
    fee_basis="《收费标准》",
    fee_basis_en="Fee Standard",
    legal_basis_en="Road Traffic Safety Law of the People's Republic of China, Article 19",
    conditions_en="Applicants who meet the conditions.",
    keywords="考驾照 驾照",
    offices=[
        {
            "address": "浦东新区1号",
            "address_en": "1 Pudong Road",
            "hours": "9-17",
            "hours_en": "9:00-17:00",
            "phone": "021-1",
        },
        {"address": "黄浦区2号", "address_en": "", "hours": "", "hours_en": "", "phone": ""},
    ],
    materials=[
        {
            "name": "身份证",
            "name_en": "Identity card",
            "form": "original",
            "count": 1,
            "source": "certificate",
            "source_department": "310000-GA",
            "certificate_type": "居民身份证",
            "certificate_type_en": "Resident Identity Card",
            "required": True,
            "notes": "",
            "notes_en": "",
        },
        {
            "name": "体检证明",
            "name_en": "Medical certificate",
            "form": "copy",
            "count": 2,
            "source": "department",
            "source_department": "310000-WJ",
            "certificate_type": "",
            "certificate_type_en": "",
            "required": False,
            "notes": "医院出具",
            "notes_en": "Issued by the hospital",
        },
    ],
)


@pytest.fixture
def editor(catalog):  # type: ignore[no-untyped-def]
    """A department admin at the city root: may import every department's items."""
    services.seed_items(rows=[RICH], source="test")
    return make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["root"])])


def published_dicts() -> list[dict[str, Any]]:
    return [
        transfer.version_as_dict(queries.published_version(item.code))
        for item in ServiceItem.objects.order_by("code")
    ]


def open_dicts() -> list[dict[str, Any]]:
    drafts = [queries.open_version(item) for item in ServiceItem.objects.order_by("code")]
    return [transfer.version_as_dict(v) for v in drafts if v is not None]


def published_versions() -> list[ServiceItemVersion]:
    return [queries.published_version(item.code) for item in ServiceItem.objects.order_by("code")]


def counts() -> tuple[int, int]:
    return ServiceItem.objects.count(), ServiceItemVersion.objects.count()


def problems(editor, rows: list[Any]) -> set[tuple[int, str]]:
    """Import ``rows``, expect a rejection that imports nothing, return (row, field) pairs."""
    before = counts()
    with pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=editor, rows=rows, source="test")
    assert counts() == before
    return {(problem.row, problem.field) for problem in rejected.value.rows}


# --- round trips --------------------------------------------------------------------


def touched(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` each with one more keyword, so that importing them changes every item."""
    for row in rows:
        row["keywords"] = f"{row['keywords']} 导入".strip()
    return rows


def test_json_round_trip_gives_identical_items(editor):
    exported = published_dicts()
    assert any(d["materials"][0]["source_department"] for d in exported)  # the rich item
    rows = transfer.parse_json(transfer.export_json(published_versions()).encode())
    assert rows == exported
    result = imports.import_items(actor=editor, rows=touched(rows), source="round trip")
    assert {v.status for v in result.staged} == {"in_review"}
    assert open_dicts() == touched(exported)


def test_excel_round_trip_gives_identical_items(editor):
    exported = published_dicts()
    rows = transfer.parse_excel(transfer.export_excel(published_versions()))
    assert [row["_row"] for row in rows] == list(range(2, 2 + len(exported)))
    imports.import_items(actor=editor, rows=touched(rows), source="round trip")
    assert open_dicts() == touched(exported)


@pytest.mark.parametrize("kind", ["json", "excel"])
def test_an_unchanged_export_imports_as_unchanged(editor, kind):
    # The QA's case: every item of an unmodified export became a draft awaiting review.
    versions = published_versions()
    if kind == "json":
        rows = transfer.parse_json(transfer.export_json(versions).encode())
    else:
        rows = transfer.parse_excel(transfer.export_excel(versions))
    before = counts()
    result = imports.import_items(actor=editor, rows=rows, source="round trip")
    assert result.staged == []
    assert result.unchanged == [v.item.code for v in versions]
    assert counts() == before
    event = AuditEvent.objects.get(action="catalog.imported")
    assert event.detail["items"] == [] and len(event.detail["unchanged"]) == len(versions)


def test_only_the_items_a_file_changes_await_review(editor):
    rows = transfer.parse_json(transfer.export_json(published_versions()).encode())
    rich = next(row for row in rows if row["code"] == RICH["code"])
    rich["materials"][1]["notes"] = "医院或体检中心出具"
    # Codes in another order, and an office's empty text left out, change nothing.
    del rich["offices"][1]["hours"]
    other = next(row for row in rows if row["code"] == "310000-GA-QR-0001")
    other["topics"] = list(reversed(other["topics"]))
    assert len(other["topics"]) == 2
    result = imports.import_items(actor=editor, rows=rows, source="one change")
    assert [v.item.code for v in result.staged] == [RICH["code"]]
    assert len(result.unchanged) == len(rows) - 1
    assert [m["notes"] for m in rich_draft()["materials"]] == ["", "医院或体检中心出具"]


ENGLISH = {
    "legal_basis_en": RICH["legal_basis_en"],
    "conditions_en": RICH["conditions_en"],
    "fee_basis_en": RICH["fee_basis_en"],
}


def rich_draft() -> dict[str, Any]:
    return next(d for d in open_dicts() if d["code"] == RICH["code"])


@pytest.mark.parametrize("kind", ["json", "excel"])
def test_english_guide_texts_make_the_round_trip(editor, kind):
    versions = published_versions()
    if kind == "json":
        rows = transfer.parse_json(transfer.export_json(versions).encode())
    else:
        rows = transfer.parse_excel(transfer.export_excel(versions))
    imports.import_items(actor=editor, rows=touched(rows), source="round trip")
    draft = rich_draft()
    assert {name: draft[name] for name in ENGLISH} == ENGLISH
    assert [o["hours_en"] for o in draft["offices"]] == ["9:00-17:00", ""]
    assert [m["certificate_type_en"] for m in draft["materials"]] == ["Resident Identity Card", ""]
    assert [m["notes_en"] for m in draft["materials"]] == ["", "Issued by the hospital"]


def test_excel_has_the_english_columns_beside_the_chinese(editor):
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    header = [cell.value for cell in workbook["items"][1]]
    for name in ("legal_basis", "conditions", "fee_basis"):
        assert header.index(f"{name}_en") == header.index(name) + 1
    m_header = [cell.value for cell in workbook["materials"][1]]
    for name in ("certificate_type", "notes"):
        assert m_header.index(f"{name}_en") == m_header.index(name) + 1


def test_a_file_without_the_english_columns_still_imports(editor):
    """Files exported before the English guide texts existed import, without them."""
    rows = transfer.parse_json(transfer.export_json(published_versions()).encode())
    for row in rows:
        for name in ENGLISH:
            del row[name]
        for office in row["offices"]:
            office.pop("hours_en", None)  # the other items' offices never had one
        for material in row["materials"]:
            del material["certificate_type_en"], material["notes_en"]
    imports.import_items(actor=editor, rows=rows, source="old file")
    draft = rich_draft()
    assert {name: draft[name] for name in ENGLISH} == dict.fromkeys(ENGLISH, "")
    assert [m["notes_en"] for m in draft["materials"]] == ["", ""]


def test_excel_has_an_items_sheet_and_a_materials_sheet(editor):
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    assert workbook.sheetnames == ["items", "materials"]
    header = [cell.value for cell in workbook["items"][1]]
    assert header == list(transfer.ITEM_COLUMNS)
    rich = [
        row for row in workbook["materials"].iter_rows(values_only=True) if row[0] == RICH["code"]
    ]
    assert [row[1] for row in rich] == ["身份证", "体检证明"]


# --- rejected rows: every problem, with its row and field, and nothing imported ------


def good(code: str = "310000-GA-QR-0101", **changes: Any) -> dict[str, Any]:
    return item_row(
        code=code, department="310000-GA", name="测试事项", name_en="Test item", **changes
    )


def without(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in names}


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        pytest.param(good(code="GA-0001"), {(2, "code")}, id="bad code"),
        pytest.param(
            good(code="310000-SJ-QR-0001"), {(2, "code")}, id="code of another department"
        ),
        pytest.param(
            without(good(), "name", "legal_basis", "kind"),
            {(2, "name"), (2, "legal_basis"), (2, "kind")},
            id="missing required fields",
        ),
        pytest.param(
            {**good(code="310000-XX-QR-0001"), "department": "310000-XX"},
            {(2, "department")},
            id="unknown department",
        ),
        pytest.param(
            good(statutory_limit_days="twenty"),
            {(2, "statutory_limit_days")},
            id="text in a number field",
        ),
        pytest.param(good(is_free="maybe"), {(2, "is_free")}, id="maybe in is_free"),
        pytest.param(
            good(co_departments=["310000-ZZ"], topics=["nope"]),
            {(2, "co_departments"), (2, "topics")},
            id="unknown co-department and topic",
        ),
        pytest.param(
            good(materials=[{**RICH["materials"][1], "source_department": "310000-ZZ"}]),
            {(2, "materials[0].source_department")},
            id="material from an unknown department",
        ),
        pytest.param(
            good(materials=[{**RICH["materials"][1], "source_department": None}]),
            {(2, "materials[0].source_department")},
            id="material from a department that is not named",
        ),
        pytest.param(good(code="310000-GA-QR-0102"), {(2, "code")}, id="duplicate code"),
    ],
)
def test_a_bad_row_rejects_the_whole_file(editor, bad, expected):
    first = good(code="310000-GA-QR-0102")  # valid on its own, and not imported either
    found = problems(editor, [first, bad])
    # Some problems bring a follow-on one (a bad statutory limit is read as 0, so the
    # promised limit then exceeds it); the expected ones must all be there, on row 2.
    assert expected <= found
    assert {row for row, _ in found} == {2}


def test_every_bad_row_is_reported_at_once(editor):
    rows = [
        good(code="X"),
        good(code="310000-GA-QR-0103"),
        good(is_free="maybe"),
        good(code="310000-GA-QR-0103"),
    ]
    found = problems(editor, rows)
    assert {(1, "code"), (3, "is_free"), (4, "code")} <= found
    assert {row for row, _ in found} == {1, 3, 4}


@pytest.mark.parametrize(
    ("language", "message"), [("en", "Duplicate of row 1."), ("zh-hans", "与第 1 行重复。")]
)
def test_duplicate_names_the_first_row(editor, language, message):
    from django.utils import translation

    with translation.override(language), pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=editor, rows=[good(), good()], source="test")
    assert [str(p.message) for p in rejected.value.rows] == [message]


def test_department_outside_the_editors_scope_is_refused(catalog):
    editor = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["SJ"])])
    assert problems(editor, [good()]) == {(1, "department")}


def test_not_json_is_refused():
    for raw in (b"{not json", "“”".encode("gbk"), b'{"code": "x"}'):
        with pytest.raises(ImportRejected) as rejected:
            transfer.parse_json(raw)
        assert [(p.row, p.field) for p in rejected.value.rows] == [(0, "file")]


@pytest.mark.parametrize(
    ("raw", "says"),
    [(b'[{"fee_amount": NaN}]', "NaN"), (b'[{"name": "\\udc00"}]', "lone surrogate")],
)
def test_what_python_reads_beyond_json_is_refused_with_its_reason(raw, says):
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        transfer.parse_json(raw)
    [problem] = rejected.value.rows
    assert (problem.row, problem.field) == (0, "file") and says in problem.message


def test_a_file_that_is_not_a_zip_is_not_a_workbook():
    with pytest.raises(ImportRejected) as rejected:
        transfer.parse_excel(b"code,department\n310000-GA-QR-0001,310000-GA\n")
    assert [(p.row, p.field) for p in rejected.value.rows] == [(0, "file")]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("items.csv", "code\n")
    with pytest.raises(ImportRejected) as rejected:
        transfer.parse_excel(buffer.getvalue())
    assert [(p.row, p.field) for p in rejected.value.rows] == [(0, "file")]


def test_a_workbook_without_the_items_sheet_is_refused(editor):
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    workbook["items"].title = "事项"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRejected) as rejected:
        transfer.parse_excel(buffer.getvalue())
    assert [(p.row, p.field) for p in rejected.value.rows] == [(0, "file")]


def edited_workbook(changes: dict[tuple[int, str], Any], *, materials: bool = True) -> bytes:
    """The export of the published items with some cells of the items sheet changed
    (and, without ``materials``, the materials sheet's rows deleted, its header kept)."""
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    if not materials:
        listed = workbook["materials"]
        listed.delete_rows(2, listed.max_row)
    sheet = workbook["items"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    for (row, column), value in changes.items():
        sheet.cell(row=row, column=columns[column], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_missing_columns_or_the_materials_sheet_is_refused_as_such(editor):
    """Read as empty cells, a column left out blanked that field of every item the
    import changed, and a sheet left out removed every material: all that is missing is
    told at once, a problem a column, not one a row."""
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    items = workbook["items"]
    columns = [cell.value for cell in items[1]]
    for name in ("kind", "summary_en"):
        items.delete_cols(columns.index(name) + 1)
        columns.remove(name)
    del workbook["materials"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        transfer.parse_excel(buffer.getvalue())
    assert [(p.sheet, p.row, p.field) for p in rejected.value.rows] == [
        ("items", 1, "kind"),
        ("items", 1, "summary_en"),
        ("", 0, "file"),
    ]
    with translation.override("en"):
        messages = [str(p.message) for p in rejected.value.rows]
    assert messages[0].startswith("Missing column")
    assert "no sheet named materials" in messages[2]


def test_excel_errors_carry_the_sheet_row_number(editor):
    # Rows 2-4 of the export are 310000-GA-QR-0001, -XK-0002 and -XK-0009.
    raw = edited_workbook(
        {
            (3, "statutory_limit_days"): "二十天",
            (3, "is_free"): "maybe",
            (4, "code"): "310000-GA-QR-0001",
            (5, "code"): "310000-XX-GG-0001",
            (5, "department"): "310000-XX",
        },
        materials=False,  # renamed, their items would leave their materials' rows orphans
    )
    rows = transfer.parse_excel(raw)
    found = problems(editor, rows)
    assert {(3, "statutory_limit_days"), (3, "is_free"), (4, "code"), (5, "department")} <= found
    assert {row for row, _ in found} == {3, 4, 5}


def test_a_material_whose_item_code_names_no_item_is_refused_at_its_row(editor):
    """A typo in a material's item_code dropped the material without a word."""
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    sheet = workbook["materials"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    sheet.cell(row=2, column=columns["item_code"], value="310000-GA-QR-000l")
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = english_excel(buffer.getvalue())  # read: the problem is the import's
    assert sheet_refusal(editor, rows) == [
        ("materials", 2, "item_code", "No item of the items sheet has this code.")
    ]


def test_excel_offices_that_are_not_json_are_refused_once(editor):
    # Read as empty, the cell is not also "a list of objects", nor a difference from
    # the published guide.
    rows = english_excel(edited_workbook({(2, "offices"): "[{broken"}))
    assert sheet_refusal(editor, rows) == [("items", 2, "offices", "Not valid JSON.")]


def test_json_export_is_utf8_text_not_escaped(editor):
    text = transfer.export_json(published_versions())
    assert "机动车驾驶证申领" in text
    assert json.loads(text)[0]["code"] == ServiceItem.objects.order_by("code")[0].code


def broken_materials_workbook(row: int, column: str, value: Any) -> bytes:
    """The export of the published items with one cell of the materials sheet changed."""
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    sheet = workbook["materials"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    sheet.cell(row=row, column=columns[column], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_materials_error_names_the_materials_sheet_and_its_own_row(editor):
    # The QA's case: a broken cell of the materials sheet was reported at the row of
    # its item in the items sheet, as ``materials[0].form``.
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    codes = [row[0] for row in workbook["materials"].iter_rows(min_row=2, values_only=True)]
    second_of_rich = 2 + codes.index(RICH["code"]) + 1  # its medical certificate
    rows = transfer.parse_excel(broken_materials_workbook(second_of_rich, "form", "传真件"))
    rich_row = next(row["_row"] for row in rows if row["code"] == RICH["code"])
    assert rich_row != second_of_rich
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=editor, rows=rows, source="test")
    [problem] = rejected.value.rows
    assert (problem.sheet, problem.row, problem.field) == ("materials", second_of_rich, "form")
    with translation.override("en"):
        assert problem.location == f"materials sheet, row {second_of_rich}"
        assert rejected.value.fields["rows"] == [
            f"materials sheet, row {second_of_rich}: form: {problem.message}"
        ]
    assert rejected.value.as_dict()["rows"] == [
        {"row": second_of_rich, "sheet": "materials", "field": "form", "message": problem.message}
    ]


def test_an_items_error_of_a_workbook_names_the_items_sheet(editor):
    rows = transfer.parse_excel(edited_workbook({(3, "is_free"): "maybe"}))
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=editor, rows=rows, source="test")
    assert [(p.sheet, p.row, p.field) for p in rejected.value.rows] == [("items", 3, "is_free")]
    with translation.override("en"):
        assert rejected.value.rows[0].location == "items sheet, row 3"


def test_a_json_files_errors_keep_the_items_number(editor):
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=editor, rows=[good(is_free="maybe")], source="test")
    assert [(p.sheet, p.row) for p in rejected.value.rows] == [("", 1)]
    with translation.override("en"):
        assert rejected.value.rows[0].location == "item 1"
        assert rejected.value.fields["rows"][0].startswith("item 1: is_free: ")
    with translation.override("zh-hans"):
        assert rejected.value.rows[0].location == "第 1 项"


def test_a_json_item_cannot_claim_a_workbooks_row(editor):
    """``_row`` and ``_material_rows`` are a workbook's, where each row was read."""
    claimed = {**good(is_free="maybe"), "_row": 40, "_material_rows": [7]}
    raw = json.dumps([claimed]).encode()
    parsed = transfer.parse_json(raw)
    assert "_row" not in parsed[0] and "_material_rows" not in parsed[0]
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=editor, rows=parsed, source="test")
    assert [(p.sheet, p.row) for p in rejected.value.rows] == [("", 1)]


def test_the_sheets_row_in_chinese(editor, chinese):
    with translation.override("zh-hans"):
        problem = rows.RowError(30, "form", "", "materials")
        assert problem.location == "materials 工作表第 30 行"


# --- an import and the items' open drafts --------------------------------------------

POLICE = "310000-GA-QR-0001"


def exported_rows() -> list[dict[str, Any]]:
    return transfer.parse_excel(transfer.export_excel(published_versions()))


def row_of(rows: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return next(row for row in rows if row["code"] == code)


@pytest.fixture
def colleague(catalog):  # type: ignore[no-untyped-def]
    """Another admin of the police: editor A of the QA's report."""
    return make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])


def colleagues_draft(colleague, *, submit: bool = False, **changes: Any) -> ServiceItemVersion:
    data = transfer.version_as_dict(queries.published_version(POLICE))
    version = services.save_draft(actor=colleague, data={**data, **changes})
    if submit:
        version = reviews.submit_for_review(actor=colleague, code=POLICE)
    return version


def refusal(editor, rows: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    before = counts()
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=editor, rows=rows, source="test")
    assert counts() == before
    return [(p.row, p.field, p.message) for p in rejected.value.rows]


def test_an_import_does_not_overwrite_another_editors_draft(editor, colleague):
    # The QA's case: the file's content replaced A's draft, under B's name.
    draft = colleagues_draft(colleague, name="户口登记（新生儿）")
    rows = touched(exported_rows())
    assert refusal(editor, rows) == [
        (
            row_of(rows, POLICE)["_row"],
            "code",
            f"{colleague.full_name} has an open draft of {POLICE} (version {draft.number}) "
            "that differs from the file; it was not overwritten. Ask them to submit it for "
            "review and import the item after the review, or leave the item out of the file.",
        )
    ]
    kept = queries.open_version(ServiceItem.objects.get(code=POLICE))
    assert (kept.pk, kept.status, kept.author, kept.name) == (
        draft.pk,
        "draft",
        colleague,
        "户口登记（新生儿）",
    )


def test_a_returned_draft_of_another_editor_is_not_overwritten_either(editor, colleague, catalog):
    colleagues_draft(colleague, submit=True, name="户口登记（新生儿）")
    reviewer = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    reviews.review_version(actor=reviewer, code=POLICE, approve=False, comment="再改改")
    [(_row, field, message)] = refusal(editor, touched(exported_rows()))
    assert field == "code" and colleague.full_name in message


def test_an_import_does_not_change_a_version_awaiting_review(editor, colleague):
    draft = colleagues_draft(colleague, submit=True, name="户口登记（新生儿）")
    rows = touched(exported_rows())
    assert refusal(editor, rows) == [
        (
            row_of(rows, POLICE)["_row"],
            "code",
            f"{POLICE} has a version awaiting review (version {draft.number}, by "
            f"{colleague.full_name}) that differs from the file: import the item once it "
            "has been reviewed.",
        )
    ]
    assert queries.open_version(ServiceItem.objects.get(code=POLICE)).name == "户口登记（新生儿）"


def test_the_importers_own_version_awaiting_review_is_not_changed_either(editor):
    colleagues_draft(editor, submit=True, name="户口登记（新生儿）")
    [(_row, field, message)] = refusal(editor, touched(exported_rows()))
    assert field == "code" and "awaiting review" in message


def test_the_importers_own_draft_is_replaced_and_submitted(editor):
    draft = colleagues_draft(editor, name="户口登记（新生儿）")
    rows = exported_rows()
    row_of(rows, POLICE)["keywords"] += " 导入"  # a change to this item alone
    result = imports.import_items(actor=editor, rows=rows, source="test")
    assert [v.pk for v in result.staged] == [draft.pk]
    kept = queries.open_version(ServiceItem.objects.get(code=POLICE))
    assert (kept.status, kept.name) == ("in_review", "新生儿户口登记")
    # What the draft held is gone: the result says so, and the audit record.
    assert result.replaced == [POLICE]
    event = AuditEvent.objects.get(action="catalog.imported")
    assert event.detail["replaced_drafts"] == [POLICE]


def test_an_own_draft_holding_the_files_guide_is_submitted_not_said_replaced(editor):
    colleagues_draft(editor, name="户口登记（新生儿）")
    rows = exported_rows()
    row_of(rows, POLICE)["name"] = "户口登记（新生儿）"
    result = imports.import_items(actor=editor, rows=rows, source="test")
    assert result.replaced == []


def test_an_export_imported_unchanged_leaves_every_open_draft_as_it_is(editor, colleague):
    """The file changes nothing of the item's guide: it was refused for a colleague's
    draft of another content (QA), which the import has no reason to touch."""
    draft = colleagues_draft(colleague, name="户口登记（新生儿）")
    result = imports.import_items(actor=editor, rows=exported_rows(), source="test")
    assert result.staged == [] and POLICE in result.unchanged
    kept = queries.open_version(ServiceItem.objects.get(code=POLICE))
    assert (kept.pk, kept.author, kept.name) == (draft.pk, colleague, "户口登记（新生儿）")


@pytest.mark.parametrize("submit", [False, True], ids=["draft", "in review"])
def test_an_open_version_that_holds_the_files_content_is_left_as_it_is(editor, colleague, submit):
    draft = colleagues_draft(colleague, submit=submit, name="户口登记（新生儿）")
    rows = transfer.parse_json(transfer.export_json(published_versions()).encode())
    row_of(rows, POLICE)["name"] = "户口登记（新生儿）"
    result = imports.import_items(actor=editor, rows=rows, source="test")
    assert result.staged == [] and POLICE in result.unchanged
    kept = queries.open_version(ServiceItem.objects.get(code=POLICE))
    assert (kept.pk, kept.status, kept.author) == (draft.pk, draft.status, colleague)


def test_every_conflict_and_every_bad_row_are_reported_at_once(editor, colleague):
    colleagues_draft(colleague, name="户口登记（新生儿）")
    rows = touched(exported_rows())
    row_of(rows, RICH["code"])["is_free"] = "maybe"
    found = refusal(editor, rows)
    assert [(row, field) for row, field, _message in found] == sorted(
        [(row_of(rows, POLICE)["_row"], "code"), (row_of(rows, RICH["code"])["_row"], "is_free")]
    )


def test_an_item_keeps_its_department_on_import_too(editor):
    # The city's own code prefixes the police item's code, so the row passes on its own.
    rows = exported_rows()
    police = row_of(rows, POLICE)
    police["department"] = "310000"
    assert refusal(editor, rows) == [
        (police["_row"], "department", "An item keeps its responsible department.")
    ]


# --- one round: every problem of a file at once ------------------------------------


def sheet_refusal(editor, rows: list[Any]) -> list[tuple[str, int, str, str]]:
    """Import ``rows``, expect a rejection that imports nothing and audits nothing,
    return every problem with its sheet, row, field and message (in English)."""
    before = counts()
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=editor, rows=rows, source="test")
    assert counts() == before
    assert not AuditEvent.objects.filter(action="catalog.imported").exists()
    return [(p.sheet, p.row, p.field, p.message) for p in rejected.value.rows]


def english_excel(raw: bytes) -> list[Any]:
    """The workbook's rows, the problems found reading them in English."""
    with translation.override("en"):
        return transfer.parse_excel(raw)


def workbook_of(items: list[dict[str, Any]], orphans: tuple[dict[str, Any], ...] = ()) -> bytes:
    """``items`` (the JSON shape) as a workbook of the export's format, a text given for
    offices or FAQ written as it is, and ``orphans``, materials with their own
    ``item_code``, after the items' materials in the materials sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "items"
    sheet.append(transfer.ITEM_COLUMNS)
    materials = workbook.create_sheet("materials")
    materials.append(transfer.MATERIAL_COLUMNS)
    for item in items:
        cells = []
        for column in transfer.ITEM_COLUMNS:
            value = item.get(column)
            if column in transfer.LIST_COLUMNS:
                value = ",".join(value)
            elif column in transfer.JSON_COLUMNS and not isinstance(value, str):
                value = json.dumps(value, ensure_ascii=False)
            cells.append(value)
        sheet.append(cells)
        for material in item["materials"]:
            materials.append(
                [item["code"], *(material.get(c) for c in transfer.MATERIAL_COLUMNS[1:])]
            )
    for material in orphans:
        materials.append([material.get(c) for c in transfer.MATERIAL_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


UNKNOWN_DEPARTMENT = {**good("310000-XX-QR-0001"), "department": "310000-XX"}
FOUR_PROBLEMS = [
    ("items", 2, "offices", "Not valid JSON."),
    ("items", 3, "name", "This field is required."),
    ("items", 4, "department", "Unknown department code 310000-XX."),
    ("materials", 5, "item_code", "No item of the items sheet has this code."),
]


def four_problems_workbook() -> bytes:
    """The QA's file: a cell of row 2 that is no JSON, no name in row 3, an unknown
    department in row 4, and a material (materials row 5) whose item_code has a typo."""
    return workbook_of(
        [
            good("310000-GA-QR-0101", offices="[{broken"),
            without(good("310000-GA-QR-0102"), "name"),
            UNKNOWN_DEPARTMENT,
        ],
        orphans=({**RICH["materials"][1], "item_code": "310000-GA-QR-O101"},),  # O for 0
    )


def test_every_problem_of_a_workbook_is_reported_in_one_round(editor):
    # A cell that was no JSON, or a material naming no item, refused the workbook before
    # its rows were checked: the rows' problems were listed only by the next upload.
    rows = english_excel(four_problems_workbook())
    assert sheet_refusal(editor, rows) == FOUR_PROBLEMS


def test_the_workbook_corrected_imports(editor):
    fixed = workbook_of(
        [
            good("310000-GA-QR-0101"),
            good("310000-GA-QR-0102"),
            good("310000-GA-QR-0103"),
        ],
        orphans=({**RICH["materials"][1], "item_code": "310000-GA-QR-0101"},),
    )
    result = imports.import_items(actor=editor, rows=transfer.parse_excel(fixed), source="test")
    assert [v.item.code for v in result.staged] == [
        "310000-GA-QR-0101",
        "310000-GA-QR-0102",
        "310000-GA-QR-0103",
    ]
    assert [m.name for m in result.staged[0].materials.order_by("pk")] == ["居民身份证", "体检证明"]


def test_a_rows_other_cells_are_checked_beside_those_that_could_not_be_read(editor):
    rows = english_excel(
        edited_workbook(
            {
                (2, "offices"): "[{broken",
                (2, "faq"): "[" * 21 + "]" * 21,
                (2, "is_free"): "maybe",
                (3, "offices"): "[{broken",
                (3, "department"): "310000",  # passes on its own: the city's code prefixes
            }
        )
    )
    assert sheet_refusal(editor, rows) == [
        ("items", 2, "offices", "Not valid JSON."),
        ("items", 2, "faq", "Lists or objects are nested more than 20 deep."),
        ("items", 2, "is_free", "Must be true or false."),
        ("items", 3, "offices", "Not valid JSON."),
        ("items", 3, "department", "An item keeps its responsible department."),
    ]


def test_a_row_not_read_whole_is_not_compared_with_an_open_draft(editor, colleague):
    # Whether the file's guide differs from the draft is not known until the cell reads.
    colleagues_draft(colleague, name="户口登记（新生儿）")
    rows = exported_rows()
    number = row_of(rows, POLICE)["_row"]
    rows = english_excel(edited_workbook({(number, "offices"): "[{broken"}))
    assert sheet_refusal(editor, rows) == [("items", number, "offices", "Not valid JSON.")]


def test_every_problem_of_a_json_file_is_reported_in_one_round(editor, colleague):
    draft = colleagues_draft(colleague, name="户口登记（新生儿）")
    police = touched([transfer.version_as_dict(queries.published_version(POLICE))])[0]
    raw = json.dumps(
        [
            "310000-GA-QR-0101",
            without(good("310000-GA-QR-0102"), "name"),
            UNKNOWN_DEPARTMENT,
            good("310000-GA-QR-0104", offices="[{broken"),
            police,
        ],
        ensure_ascii=False,
    ).encode()
    assert sheet_refusal(editor, transfer.parse_json(raw)) == [
        ("", 1, "__all__", "Each item must be an object."),
        ("", 2, "name", "This field is required."),
        ("", 3, "department", "Unknown department code 310000-XX."),
        (
            "",
            4,
            "offices",
            "Must be a list of objects with the keys address, address_en, hours, hours_en, phone.",
        ),
        (
            "",
            5,
            "code",
            f"{colleague.full_name} has an open draft of {POLICE} (version {draft.number}) "
            "that differs from the file; it was not overwritten. Ask them to submit it for "
            "review and import the item after the review, or leave the item out of the file.",
        ),
    ]


def test_a_text_that_looks_like_a_formula_is_exported_as_text(editor):
    """Formula injection: an editor's ``=HYPERLINK(...)`` ran in whoever opened the export."""
    version = published_versions()[0]
    version.summary_en = '=HYPERLINK("http://evil.invalid/","Click")'
    version.save(update_fields=["summary_en"])
    material = version.materials.first()
    material.notes = "=1+1"
    material.save(update_fields=["notes"])
    raw = transfer.export_excel(published_versions())
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sheets = b"".join(
            archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")
        )
    assert b"<f>" not in sheets  # no formula anywhere
    [row] = [r for r in transfer.parse_excel(raw) if r["code"] == version.item.code]
    assert row["summary_en"] == '=HYPERLINK("http://evil.invalid/","Click")'
    assert row["materials"][0]["notes"] == "=1+1"
