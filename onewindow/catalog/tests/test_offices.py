"""An office needs its address, from the guide editor and from an imported file alike.

The QA's case: an office row with a phone and no address (``offices-1-phone`` only)
was saved, and the public guide listed it under "Where to go" as an empty line.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

import pytest
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.catalog import queries
from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.catalog.tests.conftest import item_row
from onewindow.catalog.tests.test_backoffice_views import (
    BASE,
    POLICE_ITEM,
    admin,
    current,
    edit_url,
    form_data,
    police_row,
    police_workbook,
    seeded,
    summary_links,
    summary_texts,
    upload,
)
from onewindow.catalog.validation import clean_item, office_rules

pytestmark = pytest.mark.django_db

__all__ = ["admin", "seeded"]  # fixtures, shared with the page tests

NEEDS_ADDRESS = {"en": "Give the office's address.", "zh-hans": "请填写办理地点的地址。"}
OFFICE = {"address": "黄浦区人民路1号", "hours": "9:00-17:00", "phone": "021-12345"}


def row_with(**changes: Any) -> dict[str, Any]:
    row = item_row(
        code="310000-GA-QR-0001", department="310000-GA", name="户口登记", name_en="Registration"
    )
    return {**row, **changes}


def errors_of(row: dict[str, Any]) -> dict[str, list[str]]:
    item, errors = clean_item(row)
    assert item is None
    return {k: [str(m) for m in v] for k, v in errors.fields.items()}


def nothing_saved(versions: int, events: int) -> bool:
    return (ServiceItemVersion.objects.count(), AuditEvent.objects.count()) == (versions, events)


# --- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param({"phone": "021-12345"}, id="phone only"),
        pytest.param({"hours": "9:00-17:00", "hours_en": "9 to 5"}, id="hours only"),
        pytest.param({"address_en": "1 Renmin Road", "phone": "021-1"}, id="English only"),
        pytest.param({"address": "  ", "phone": "021-1"}, id="blank address"),
        pytest.param({"address": None, "phone": "021-1"}, id="null address"),
        pytest.param({}, id="nothing"),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_office_without_its_address_is_refused_at_its_address(entry, language, chinese):
    with translation.override(language):
        found = errors_of(row_with(offices=[OFFICE, entry]))
    assert found == {"offices[1].address": [NEEDS_ADDRESS[language]]}


def test_an_address_must_be_text():
    with translation.override("en"):
        found = errors_of(row_with(offices=[{"address": 12, "phone": "021-1"}]))
    assert found == {"offices[0].address": ["Must be text."]}


@pytest.mark.parametrize(
    "offices",
    [
        pytest.param([{"address": "黄浦区人民路1号"}], id="address only"),
        pytest.param([OFFICE, {**OFFICE, "address_en": "1 Renmin Road"}], id="full"),
        pytest.param([], id="no office"),
    ],
)
def test_an_office_with_its_address_passes(offices):
    item, errors = clean_item(row_with(offices=offices))
    assert not errors and item is not None
    assert item.values["offices"] == offices


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"address": "", "phone": "021-1"}, {"address"}),
        ({"address": "黄浦区", "phone": "021-1"}, set()),
        # An address that did not pass its own checks (too long) is not judged again.
        ({"phone": "021-1"}, set()),
    ],
)
def test_office_rules_need_the_fields_they_relate(values, expected):
    assert set(office_rules(values).fields) == expected


@pytest.mark.parametrize("phone", ["打电话问问 abc", "call us", "021-"])
def test_an_office_phone_must_be_a_number_to_call(phone):
    """QA: words were published as the office's phone, "（电话 打电话问问 abc）"."""
    with translation.override("en"):
        found = errors_of(row_with(offices=[{**OFFICE, "phone": phone}]))
    assert found == {
        "offices[0].phone": ["Enter a number to call, such as 021-12345678, 12345 or 13812345678."]
    }


@pytest.mark.parametrize(
    "phone",
    ["021-64316110", "021 6431 6110", "12345", "13812345678", "400-820-8820", "021-63012345-801"],
)
def test_the_numbers_people_call_pass(phone):
    assert not office_rules({"address": "黄浦区人民路1号", "phone": phone}).fields


def test_the_guides_texts_have_limits():
    """QA: a summary of 200,000 characters was saved."""
    row = row_with(
        summary="长" * 5001,
        faq=[{"q": "问" * 201, "a": "答" * 2001}],
        offices=[{**OFFICE, "hours": "时" * 201}],
    )
    with translation.override("en"):
        found = errors_of(row)
    assert found == {
        "summary": ["At most 5000 characters."],
        "faq[0].q": ["At most 200 characters."],
        "faq[0].a": ["At most 2000 characters."],
        "offices[0].hours": ["At most 200 characters."],
    }


# --- the guide editor ----------------------------------------------------------------


def phone_only(item: dict[str, Any], row: int = 1) -> dict[str, Any]:
    """What the edit page posts for ``item`` with a phone and nothing else in office row
    ``row`` (one of the empty extra rows)."""
    return {**form_data(item), f"offices-{row}-phone": "021-99999"}


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Office 2 · Address: Give the office's address."),
        ("zh-hans", "办理地点 2 · 地址：请填写办理地点的地址。"),
    ],
)
def test_the_editor_refuses_an_office_without_its_address(admin, chinese, language, line):
    client, _ = admin
    client.cookies["django_language"] = language
    versions, events = ServiceItemVersion.objects.count(), AuditEvent.objects.count()
    response = client.post(edit_url(), phone_only(current()))
    assert response.status_code == 422
    page = response.content.decode()
    assert summary_links(page) == ["id_offices-1-address"]
    assert summary_texts(page) == [escape(line)]
    # At the row's field, whose row is marked.
    error = page.split('id="id_offices-1-address_error"', 1)[1].split("</div>", 1)[0]
    assert escape(NEEDS_ADDRESS[language]) in error
    assert '<fieldset id="offices-1-fieldset" class="field-error">' in page
    assert nothing_saved(versions, events)
    assert queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM)) is None
    # With its address, the row is saved.
    fixed = {**phone_only(current()), "offices-1-address": "黄浦区福州路2号"}
    assert client.post(edit_url(), fixed).status_code == 302
    assert [(o["address"], o["phone"]) for o in current()["offices"]] == [
        ("黄浦区人民路1号", "021-12345"),
        ("黄浦区福州路2号", "021-99999"),
    ]


def test_the_error_is_at_the_row_the_editor_filled(admin):
    # The first office emptied (removed), the third row given a phone only: the item's
    # first office is the page's third row, where the error must be.
    client, _ = admin
    client.cookies["django_language"] = "en"
    data = phone_only(current(), row=2)
    data.update({f"offices-0-{key}": "" for key in ("address", "address_en", "hours", "phone")})
    response = client.post(edit_url(), data)
    assert response.status_code == 422
    assert summary_links(response.content.decode()) == ["id_offices-2-address"]


def test_an_office_without_its_address_is_reported_with_the_pages_own_errors(admin):
    # A page the forms refuse goes to no service: the rule is applied to what it read.
    client, _ = admin
    client.cookies["django_language"] = "en"
    data = {**phone_only(current()), "name": ""}
    page = client.post(edit_url(), data).content.decode()
    assert summary_links(page) == ["id_name", "id_offices-1-address"]
    assert escape("Give the office's address.") in page


def test_an_office_address_too_long_says_only_that(admin):
    client, _ = admin
    client.cookies["django_language"] = "en"
    data = {**phone_only(current()), "offices-1-address": "路" * 201, "name": ""}
    page = client.post(edit_url(), data).content.decode()
    assert summary_links(page) == ["id_name", "id_offices-1-address"]
    assert escape("Give the office's address.") not in page


def test_a_new_item_needs_its_offices_addresses(admin):
    client, _ = admin
    client.cookies["django_language"] = "en"
    new = police_row(code="310000-GA-QR-0002", name="户口迁移", name_en="Moving a hukou")
    data = {**form_data(new, new=True), "offices-1-hours": "9:00-17:00"}
    versions = ServiceItemVersion.objects.count()
    response = client.post(f"{BASE}/items/new/", data)
    assert response.status_code == 422
    assert summary_links(response.content.decode()) == ["id_offices-1-address"]
    assert ServiceItemVersion.objects.count() == versions
    assert not ServiceItem.objects.filter(code="310000-GA-QR-0002").exists()


def test_empty_office_rows_are_still_left_out(admin):
    client, _ = admin
    data = form_data({**current(), "offices": []})
    assert client.post(edit_url(), data).status_code == 302
    assert current()["offices"] == []


# --- an imported file ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Give the office's address."), ("zh-hans", "请填写办理地点的地址。")],
)
def test_a_json_import_refuses_an_office_without_its_address(admin, chinese, language, message):
    client, _ = admin
    client.cookies["django_language"] = language
    rows = [
        police_row(name="导入的名称"),
        police_row(code="310000-GA-QR-0003", offices=[OFFICE, {"phone": "021-99999"}]),
    ]
    versions, events = ServiceItemVersion.objects.count(), AuditEvent.objects.count()
    response = upload(client, "items.json", json.dumps(rows, ensure_ascii=False).encode())
    assert response.status_code == 422
    page = response.content.decode()
    where = "item 2" if language == "en" else "第 2 项"
    expected = f'<td>{where}</td><td class="mono">offices[1].address</td><td>{escape(message)}</td>'
    assert expected in page
    assert nothing_saved(versions, events)


def test_an_excel_import_refuses_an_office_without_its_address(admin, chinese):
    client, _ = admin
    client.cookies["django_language"] = "zh-hans"
    offices = json.dumps([{"phone": "021-99999"}], ensure_ascii=False)
    versions, events = ServiceItemVersion.objects.count(), AuditEvent.objects.count()
    response = upload(client, "items.xlsx", police_workbook(offices=offices))
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        '<td>items 工作表第 2 行</td><td class="mono">offices[0].address</td>'
        "<td>请填写办理地点的地址。</td>"
    ) in page
    assert nothing_saved(versions, events)


def test_the_editor_refuses_words_as_an_offices_phone(admin):
    client, _ = admin
    client.cookies["django_language"] = "en"
    data = {**phone_only(current()), "offices-1-address": "黄浦区人民路1号"}
    data["offices-1-phone"] = "打电话问问 abc"
    response = client.post(edit_url(), data)
    assert response.status_code == 422
    assert summary_links(response.content.decode()) == ["id_offices-1-phone"]
