"""The import page and what a file may cost (``backoffice_transfer.import_view``): a zip
bomb refused at the file field before anything is unpacked, and a refused file's
problems listed up to a limit, with how many more there are."""

import io
import re
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from onewindow.audit.models import AuditEvent
from onewindow.catalog import backoffice_transfer, imports, queries, services, transfer
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.rows import ImportRejected
from onewindow.catalog.tests.conftest import TOPICS, item_row
from onewindow.catalog.tests.test_transfer import FOUR_PROBLEMS, four_problems_workbook
from onewindow.catalog.tests.test_transfer_limits import filler_sheet, workbook_around
from onewindow.conftest import proposed_chinese
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db

POLICE_ITEM = "310000-GA-QR-0001"
# Proposed for the .po file (the "more" line is new).
MORE_PROBLEMS = ("…and %(counter)s more problem.", "…and %(counter)s more problems.")
PROPOSED = {MORE_PROBLEMS: "……另有 %(counter)s 个问题。"}


@pytest.fixture
def admin(city, officer_logged_in):  # type: ignore[no-untyped-def]
    """A logged-in department admin of the police bureau, whose one item is published."""
    services.seed_topics(TOPICS)
    row = item_row(
        code=POLICE_ITEM,
        department="310000-GA",
        name="新生儿户口登记",
        name_en="Household registration of a newborn",
    )
    services.seed_items(rows=[row], source="test")
    return officer_logged_in(Role.DEPARTMENT_ADMIN, "police")


def upload(client: Client, name: str, body: bytes) -> Any:
    return client.post("/backoffice/catalog/import/", {"file": SimpleUploadedFile(name, body)})


def x_rows(count: int) -> bytes:
    """The finding's workbook, ``count`` rows long: each row of x has many problems."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("items")
    sheet.append(list(transfer.ITEM_COLUMNS))
    for _number in range(count):
        sheet.append(["x", "x", "x"])
    workbook.create_sheet("materials")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shown_problems(page: str) -> int:
    return len(re.findall(r'<td class="mono">', page))


def test_a_zip_bomb_is_refused_at_the_file_field_unopened_and_nothing_is_saved(admin, monkeypatch):
    client, _user = admin
    client.cookies["django_language"] = "en"
    bomb = workbook_around(filler_sheet(300_000))  # some hundred KB, 15 MB unpacked
    versions = ServiceItemVersion.objects.count()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the archive was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    response = upload(client, "items.xlsx", bomb)
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        "This file is not a workbook as spreadsheet programs save one, so it was not opened. "
        "Save it again from your spreadsheet program, or start from an export."
    ]
    assert response.context["problems"] == []
    assert ServiceItemVersion.objects.count() == versions
    assert not AuditEvent.objects.filter(action="catalog.imported").exists()


def test_a_workbook_too_big_unpacked_is_refused_at_the_file_field(admin, monkeypatch):
    client, _user = admin
    client.cookies["django_language"] = "en"
    monkeypatch.setattr(transfer, "MAX_UNPACKED_BYTES", 1024 * 1024)
    response = upload(client, "items.xlsx", x_rows(8_000))  # 1.3 MB unpacked, packed 17 times
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [
        "The workbook unpacks to more than 1 MB (an .xlsx file is compressed): import the "
        "items in smaller files."
    ]


def test_a_refused_files_problems_are_listed_up_to_the_limit_and_the_others_counted(
    admin, monkeypatch
):
    client, user = admin
    client.cookies["django_language"] = "en"
    monkeypatch.setattr(backoffice_transfer, "MAX_PROBLEMS_SHOWN", 10)
    raw = x_rows(5)
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=user, rows=transfer.parse_excel(raw), source="test")
    total = len(rejected.value.rows)
    assert total > 12

    page = upload(client, "items.xlsx", raw).content.decode()
    assert shown_problems(page) == 10
    assert f"Correct these {total} problems and upload the file again." in page
    assert f"…and {total - 10} more problems." in page
    # The ones listed are the file's first, in its order.
    first = rejected.value.rows[0]
    assert f'<td>{first.location}</td><td class="mono">{first.field}</td>' in page


def test_one_problem_more_than_the_limit_is_counted_in_the_singular(admin, monkeypatch):
    client, user = admin
    client.cookies["django_language"] = "en"
    raw = x_rows(1)
    with pytest.raises(ImportRejected) as rejected:
        imports.import_items(actor=user, rows=transfer.parse_excel(raw), source="test")
    monkeypatch.setattr(backoffice_transfer, "MAX_PROBLEMS_SHOWN", len(rejected.value.rows) - 1)
    page = upload(client, "items.xlsx", raw).content.decode()
    assert "…and 1 more problem." in page


def test_every_problem_is_listed_when_there_are_no_more_than_the_limit(admin):
    client, _user = admin
    client.cookies["django_language"] = "en"
    page = upload(client, "items.xlsx", x_rows(1)).content.decode()
    assert shown_problems(page) > 1
    assert "more problem" not in page


def test_the_real_limit_bounds_the_page_of_a_large_refused_file(admin):
    client, _user = admin
    client.cookies["django_language"] = "en"
    page = upload(client, "items.xlsx", x_rows(40)).content.decode()
    assert shown_problems(page) == backoffice_transfer.MAX_PROBLEMS_SHOWN
    assert re.search(r"…and \d+ more problems\.", page)


def test_one_upload_lists_every_problem_of_the_file_those_of_reading_it_too(admin, monkeypatch):
    # A cell that was no JSON, or a material naming no item, refused the workbook before
    # its rows were checked: the rows' problems were listed only by the next upload.
    client, _user = admin
    client.cookies["django_language"] = "en"
    versions = ServiceItemVersion.objects.count()
    raw = four_problems_workbook()
    response = upload(client, "items.xlsx", raw)
    assert response.status_code == 422
    listed = [(p.sheet, p.row, p.field, p.message) for p in response.context["problems"]]
    assert listed == FOUR_PROBLEMS
    assert ServiceItemVersion.objects.count() == versions
    assert not AuditEvent.objects.filter(action="catalog.imported").exists()
    # Listed up to the page's limit, as any other problem: the rest counted.
    monkeypatch.setattr(backoffice_transfer, "MAX_PROBLEMS_SHOWN", 3)
    page = upload(client, "items.xlsx", raw).content.decode()
    assert shown_problems(page) == 3
    assert "Correct these 4 problems and upload the file again." in page
    assert "…and 1 more problem." in page


def test_the_more_line_in_chinese(admin, monkeypatch):
    client, _user = admin
    client.cookies["django_language"] = "zh-hans"
    monkeypatch.setattr(backoffice_transfer, "MAX_PROBLEMS_SHOWN", 1)
    with proposed_chinese(PROPOSED):
        page = upload(client, "items.xlsx", x_rows(1)).content.decode()
    assert re.search(r"<p>……另有 \d+ 个问题。</p>", page)


def test_an_export_imports_back_through_the_page_unchanged(admin):
    client, _user = admin
    client.cookies["django_language"] = "en"
    exported = transfer.export_excel([queries.published_version(POLICE_ITEM)])
    versions = ServiceItemVersion.objects.count()
    response = upload(client, "catalog.xlsx", exported)
    assert response.status_code == 302
    assert ServiceItemVersion.objects.count() == versions
    event = AuditEvent.objects.get(action="catalog.imported")
    assert event.detail["unchanged"] == [POLICE_ITEM]
