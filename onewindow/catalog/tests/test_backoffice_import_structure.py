"""The import page and what a workbook's parts may hold (``workbook_check``): the
tester's styles, shared strings and wide row refused at the file field before the
workbook is opened, and JSON nested too deep refused as the file's problem, not a
server error; nothing saved."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onewindow.audit.models import AuditEvent
from onewindow.catalog import transfer, workbook_check
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.tests.test_workbook_check import (
    HEADER,
    ITEM,
    ITEMS_PART,
    notes,
    row,
    shared_strings,
    sheet,
    styles,
    text,
    workbook,
)
from onewindow.conftest import proposed_chinese
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db

# Proposed for the .po file (the messages are new).
FORMATS = (
    "The workbook has more than %(limit)d cell formats: paste the items as values into "
    "an export, and import that."
)
STRINGS = (
    "The workbook holds more than %(limit)d different texts: import the items in smaller files."
)
WIDE = (
    "A row of the %(sheet)s sheet has more than %(limit)d cells: delete the columns the "
    "import does not read, or start from an export."
)
FULL = "The %(sheet)s sheet holds too much for one import: import the items in smaller files."
NESTED = "Lists or objects are nested more than %(limit)d deep."
SHEETS = (
    "The workbook has more than %(limit)d sheets: keep the items and materials sheets in a "
    "workbook of their own."
)
PROPOSED = {
    FORMATS: (
        "工作簿的单元格格式超过 %(limit)d 种，请将事项以数值形式粘贴到导出文件中，再导入该文件。"
    ),
    STRINGS: "工作簿中不同的文本超过 %(limit)d 条，请将事项分成几个较小的文件导入。",
    WIDE: (
        "%(sheet)s 工作表有一行超过 %(limit)d 个单元格，请删去导入不读取的列，"
        "或在导出文件的基础上修改。"
    ),
    FULL: "%(sheet)s 工作表的内容超出一次导入所能读取的量，请将事项分成几个较小的文件导入。",
    NESTED: "列表或对象的嵌套超过 %(limit)d 层。",
    SHEETS: "工作簿的工作表超过 %(limit)d 个，请将 items 和 materials 工作表单独保存为一个工作簿。",
}


@pytest.fixture
def admin(officer_logged_in):  # type: ignore[no-untyped-def]
    """A logged-in department admin of the police bureau, reading English."""
    client, _user = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    return client


def upload(client: Client, name: str, body: bytes) -> Any:
    return client.post("/backoffice/catalog/import/", {"file": SimpleUploadedFile(name, body)})


def refused_at_the_file_field(client: Client, raw: bytes, monkeypatch: Any) -> list[str]:
    """The file field's errors for ``raw``, which must be refused before openpyxl opens
    it, with nothing saved."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(transfer, "load_workbook", refuse)
    versions = ServiceItemVersion.objects.count()
    response = upload(client, "items.xlsx", raw)
    assert response.status_code == 422
    assert response.context["problems"] == []
    assert ServiceItemVersion.objects.count() == versions
    assert not AuditEvent.objects.filter(action="catalog.imported").exists()
    return response.context["form"].errors["file"]


def test_the_styles_bomb_is_refused_at_the_file_field(admin, monkeypatch):
    raw = workbook({"xl/styles.xml": styles(workbook_check.MAX_CELL_FORMATS + 1)})
    assert refused_at_the_file_field(admin, raw, monkeypatch) == [FORMATS % {"limit": 5000}]


def test_the_shared_strings_bomb_is_refused_at_the_file_field(admin, monkeypatch):
    # The bound follows the rows limits: one item and one material hold 76 strings.
    monkeypatch.setattr(transfer, "MAX_ITEM_ROWS", 1)
    monkeypatch.setattr(transfer, "MAX_MATERIAL_ROWS", 1)
    at = "xl/sharedStrings.xml"
    raw = workbook({at: shared_strings(77)}, strings_at=at)
    assert refused_at_the_file_field(admin, raw, monkeypatch) == [STRINGS % {"limit": 76}]


def test_the_wide_row_is_refused_at_the_file_field(admin, monkeypatch):
    wide = row(text("code"), text("department"), text("name"), *notes(198))
    raw = workbook({ITEMS_PART: sheet(wide, ITEM)})
    assert refused_at_the_file_field(admin, raw, monkeypatch) == [
        WIDE % {"sheet": "items", "limit": 200}
    ]


def test_a_sheet_too_full_is_refused_at_the_file_field(admin, monkeypatch):
    monkeypatch.setattr(transfer, "MAX_ITEM_ROWS", 1)
    numbers = row(*[b"<c><v>1</v></c>"] * 100)
    raw = workbook({ITEMS_PART: sheet(HEADER, numbers)})
    assert refused_at_the_file_field(admin, raw, monkeypatch) == [FULL % {"sheet": "items"}]


def test_json_nested_a_hundred_thousand_deep_is_refused_not_a_server_error(admin):
    versions = ServiceItemVersion.objects.count()
    response = upload(admin, "items.json", b"[" * 100_001)
    assert response.status_code == 422
    assert [(p.row, p.field, p.message) for p in response.context["problems"]] == [
        (0, "file", NESTED % {"limit": 20})
    ]
    assert ServiceItemVersion.objects.count() == versions


def test_a_json_cell_nested_too_deep_is_refused_at_its_cell(admin):
    header = row(*(text(column) for column in transfer.ITEM_COLUMNS))
    given = {"code": "310000-GA-QR-0001", "department": "310000-GA", "name": "x"}
    given["offices"] = "[" * 100_001
    deep = row(*(text(given.get(column, "")) for column in transfer.ITEM_COLUMNS))
    response = upload(admin, "items.xlsx", workbook({ITEMS_PART: sheet(header, deep)}))
    assert response.status_code == 422
    problems = [(p.sheet, p.row, p.field, p.message) for p in response.context["problems"]]
    assert ("items", 2, "offices", NESTED % {"limit": 20}) in problems


def test_the_refusals_in_chinese(admin, monkeypatch):
    admin.cookies["django_language"] = "zh-hans"
    raw = workbook({"xl/styles.xml": styles(workbook_check.MAX_CELL_FORMATS + 1)})
    with proposed_chinese(PROPOSED):
        errors = refused_at_the_file_field(admin, raw, monkeypatch)
        page = upload(admin, "items.json", b"[" * 100_001).content.decode()
    assert errors == [PROPOSED[FORMATS] % {"limit": 5000}]
    assert "列表或对象的嵌套超过 20 层。" in page
