"""What the catalog import reads of typed text (``validation.read_item`` with
``core.text_input``): a control character in any cell, however deep (an office's, a
question's, a material's), is a problem of its row like any other, and nothing is
imported; a JSON file saved with a byte order mark (as Windows tools save UTF-8) imports.

The tester's case: an export edited to name an item "浦东\\u0000人才" was imported,
approved and served by the public API with the NUL; PostgreSQL refuses the write (500)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from onewindow.catalog import imports, transfer
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.tests.test_transfer import (
    editor,  # noqa: F401 - the fixture
    problems,
    published_dicts,
    published_versions,
    touched,
)
from onewindow.conftest import holder_logged_in
from onewindow.identity.roles import Role

REFUSED_NUL = (
    "Remove the control character U+0000: text may hold no control character other than "
    "tab and line breaks."
)


def test_a_nul_in_an_items_name_refuses_the_json_file_at_its_row(editor):  # noqa: F811
    rows = published_dicts()
    rows[1]["name"] = "浦东\u0000人才"
    assert problems(editor, rows) == {(2, "name")}


def test_control_characters_anywhere_in_an_item_are_each_its_rows_problem(editor):  # noqa: F811
    rows = published_dicts()
    rich = next(row for row in rows if row["materials"])
    rich["department"] += "\x00"  # stripped for the lookup: PostgreSQL refuses a NUL
    rich["offices"] = [{"address": "人民大道\x0b200号"}]
    rich["faq"] = [{"q": "问\x1f", "a": "答"}]
    rich["materials"][0]["notes"] = "医院\x00出具"
    rich["keywords"] = "户口\x02"
    number = rows.index(rich) + 1
    assert problems(editor, rows) == {
        (number, "department"),
        (number, "offices[0].address"),
        (number, "faq[0].q"),
        (number, "materials[0].notes"),
        (number, "keywords"),
    }


def test_each_text_is_told_once_in_the_readers_language(editor):  # noqa: F811
    rows = published_dicts()
    rows[0]["name"] = "名\x00"
    with translation.override("en"), pytest.raises(imports.ImportRejected) as rejected:
        imports.import_items(actor=editor, rows=rows, source="test")
    assert [(p.field, p.message) for p in rejected.value.rows] == [("name", REFUSED_NUL)]
    with translation.override("zh-hans"):
        rows[0]["name"] = "名\x00"
        with pytest.raises(imports.ImportRejected) as rejected:
            imports.import_items(actor=editor, rows=rows, source="test")
        assert rejected.value.rows[0].message == (
            "请删除控制字符 U+0000：除制表符和换行外，文本中不能含有控制字符。"
        )


def test_tab_and_line_breaks_import(editor):  # noqa: F811
    rows = touched(published_dicts())
    rows[0]["conditions"] = "一、年满十八周岁；\r\n二、\t本市户籍。"
    assert len(imports.import_items(actor=editor, rows=rows, source="test").staged) == len(rows)


def _excel_with_office(address_json: str) -> bytes:
    workbook = load_workbook(io.BytesIO(transfer.export_excel(published_versions())))
    items = workbook["items"]
    header = [cell.value for cell in items[1]]
    items.cell(row=2, column=header.index("offices") + 1, value=address_json)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_nul_escaped_in_a_workbooks_json_cell_is_its_rows_problem(editor):  # noqa: F811
    """A workbook's cell holds no control character (XML cannot), but its offices and
    FAQ cells are JSON, whose escapes can."""
    raw = _excel_with_office(json.dumps([{"address": "人民大道\u0000200号"}]))
    rows = transfer.parse_excel(raw)
    assert problems(editor, rows) == {(2, "offices[0].address")}


def test_the_import_page_refuses_the_file_and_names_the_row(catalog):
    client, _user = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["root"])
    client.cookies["django_language"] = "en"
    rows = published_dicts()
    rows[0]["name"] = "浦东\u0000人才"
    body = json.dumps(rows, ensure_ascii=False).encode()
    versions = ServiceItemVersion.objects.count()
    response = client.post(
        "/backoffice/catalog/import/", {"file": SimpleUploadedFile("items.json", body)}
    )
    assert response.status_code == 422
    assert [(p.row, p.field, p.message) for p in response.context["problems"]] == [
        (1, "name", REFUSED_NUL)
    ]
    assert ServiceItemVersion.objects.count() == versions


def test_a_json_file_with_a_byte_order_mark_imports(catalog):
    client, _user = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["root"])
    rows: list[dict[str, Any]] = touched(published_dicts())
    body = "\ufeff".encode() + json.dumps(rows, ensure_ascii=False).encode()
    assert transfer.parse_json(body) == rows
    versions = ServiceItemVersion.objects.count()
    response = client.post(
        "/backoffice/catalog/import/", {"file": SimpleUploadedFile("items.json", body)}
    )
    assert response.status_code == 302, response.context and response.context["problems"]
    assert ServiceItemVersion.objects.count() == versions + len(rows)


def test_a_byte_order_mark_alone_is_no_json(db):
    with pytest.raises(imports.ImportRejected):
        transfer.parse_json("\ufeff".encode())
