import io
import json
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook

from onewindow.catalog import queries, services, transfer
from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.catalog.services import ImportRejected
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
        services.import_items(actor=editor, rows=rows, source="test")
    assert counts() == before
    return {(problem.row, problem.field) for problem in rejected.value.rows}


# --- round trips --------------------------------------------------------------------


def test_json_round_trip_gives_identical_items(editor):
    exported = published_dicts()
    assert any(d["materials"][0]["source_department"] for d in exported)  # the rich item
    rows = transfer.parse_json(transfer.export_json(published_versions()).encode())
    assert rows == exported
    versions = services.import_items(actor=editor, rows=rows, source="round trip")
    assert {v.status for v in versions} == {"in_review"}
    assert open_dicts() == exported


def test_excel_round_trip_gives_identical_items(editor):
    exported = published_dicts()
    rows = transfer.parse_excel(transfer.export_excel(published_versions()))
    assert [row["_row"] for row in rows] == list(range(2, 2 + len(exported)))
    services.import_items(actor=editor, rows=rows, source="round trip")
    assert open_dicts() == exported


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
    services.import_items(actor=editor, rows=rows, source="round trip")
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
    services.import_items(actor=editor, rows=rows, source="old file")
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
        services.import_items(actor=editor, rows=[good(), good()], source="test")
    assert [str(p.message) for p in rejected.value.rows] == [message]


def test_department_outside_the_editors_scope_is_refused(catalog):
    editor = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["SJ"])])
    assert problems(editor, [good()]) == {(1, "department")}


def test_not_json_is_refused():
    for raw in (b"{not json", "“”".encode("gbk"), b'{"code": "x"}'):
        with pytest.raises(ImportRejected) as rejected:
            transfer.parse_json(raw)
        assert [(p.row, p.field) for p in rejected.value.rows] == [(0, "file")]


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


def edited_workbook(changes: dict[tuple[int, str], Any]) -> bytes:
    """The export of the published items with some cells of the items sheet changed."""
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    sheet = workbook["items"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    for (row, column), value in changes.items():
        sheet.cell(row=row, column=columns[column], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_excel_errors_carry_the_sheet_row_number(editor):
    # Rows 2-4 of the export are 310000-GA-QR-0001, -XK-0002 and -XK-0009.
    raw = edited_workbook(
        {
            (3, "statutory_limit_days"): "二十天",
            (3, "is_free"): "maybe",
            (4, "code"): "310000-GA-QR-0001",
            (5, "code"): "310000-XX-GG-0001",
            (5, "department"): "310000-XX",
        }
    )
    rows = transfer.parse_excel(raw)
    found = problems(editor, rows)
    assert {(3, "statutory_limit_days"), (3, "is_free"), (4, "code"), (5, "department")} <= found
    assert {row for row, _ in found} == {3, 4, 5}


def test_excel_offices_that_are_not_json_are_refused(editor):
    with pytest.raises(ImportRejected) as rejected:
        transfer.parse_excel(edited_workbook({(2, "offices"): "[{broken"}))
    assert [(p.row, p.field) for p in rejected.value.rows] == [(2, "offices")]


def test_json_export_is_utf8_text_not_escaped(editor):
    text = transfer.export_json(published_versions())
    assert "机动车驾驶证申领" in text
    assert json.loads(text)[0]["code"] == ServiceItem.objects.order_by("code")[0].code
