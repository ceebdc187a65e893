"""The calendar's Django admin pages, as a staff platform admin past the second factor."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.audit.models import AuditEvent
from onewindow.conftest import holder_logged_in
from onewindow.core import strict_json
from onewindow.identity.roles import Role
from onewindow.workdays.calendar import get_calendar
from onewindow.workdays.models import CalendarRevision, CalendarYear, WorkdayOverride

D = date.fromisoformat
OVERRIDES = "/django-admin/workdays/workdayoverride/"
YEARS = "/django-admin/workdays/calendaryear/"


@pytest.fixture
def admin_client_(city):
    return holder_logged_in(Role.PLATFORM_ADMIN, city["root"], staff=True)


def test_calendar_is_listed_for_platform_admins(admin_client_):
    client, _ = admin_client_
    page = client.get("/django-admin/").content.decode()
    assert OVERRIDES in page and YEARS in page
    assert client.get(OVERRIDES).status_code == 200
    assert client.get(YEARS).status_code == 200
    assert client.get(OVERRIDES + "add/").status_code == 200


def test_other_staff_may_not_use_the_calendar_admin(city):
    client, _ = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"], staff=True)
    assert OVERRIDES not in client.get("/django-admin/").content.decode()
    assert client.get(OVERRIDES).status_code == 403
    assert client.get(YEARS + "import/").status_code == 403
    assert client.post(OVERRIDES + "add/", {"day": "2026-03-02", "name": "X"}).status_code == 403
    assert not WorkdayOverride.objects.exists()


def test_adding_changing_and_deleting_an_override_go_through_the_services(admin_client_):
    client, user = admin_client_
    response = client.post(
        OVERRIDES + "add/",
        {"day": "2026-03-02", "name": "全市停工日", "name_en": "City rest day", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()
    override = WorkdayOverride.objects.get()
    assert not override.is_working_day and override.created_by == user
    assert not get_calendar().is_working_day(D("2026-03-02"))
    set_event = AuditEvent.objects.get(action="workdays.override_set")
    assert set_event.actor_id == user.pk and set_event.ip_address == "127.0.0.1"

    response = client.post(
        f"{OVERRIDES}{override.pk}/change/",
        {"is_working_day": "on", "name": "照常上班", "name_en": "", "note": "改回"},
    )
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.is_working_day and override.name == "照常上班"
    assert override.day == D("2026-03-02")  # the day is read-only on change
    assert AuditEvent.objects.filter(action="workdays.override_set").count() == 2

    response = client.post(f"{OVERRIDES}{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()
    assert AuditEvent.objects.get(action="workdays.override_removed").actor_id == user.pk
    assert CalendarRevision.objects.get().number == 3


def test_bulk_delete_goes_through_the_service(admin_client_):
    client, _ = admin_client_
    for day in ("2026-03-02", "2026-03-03"):
        client.post(OVERRIDES + "add/", {"day": day, "name": "停工"})
    pks = list(WorkdayOverride.objects.values_list("pk", flat=True))
    response = client.post(
        OVERRIDES, {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    )
    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()
    assert AuditEvent.objects.filter(action="workdays.override_removed").count() == 2


def test_override_form_shows_the_services_checks(admin_client_):
    client, _ = admin_client_
    client.cookies["django_language"] = "en"
    response = client.post(OVERRIDES + "add/", {"day": "1999-03-01", "name": "太早"})
    assert response.status_code == 200
    assert "Must be a year from 2000 to 2100." in response.content.decode()
    response = client.post(OVERRIDES + "add/", {"day": "2026-03-02", "name": ""})
    assert response.status_code == 200
    assert not WorkdayOverride.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="workdays.").exists()


def test_declaring_and_withdrawing_a_year(admin_client_):
    client, user = admin_client_
    refused = client.post(YEARS + "add/", {"year": "2027", "note": "未勾选"})
    assert refused.status_code == 200 and not CalendarYear.objects.exists()

    response = client.post(YEARS + "add/", {"year": "2027", "complete": "on", "note": "通知"})
    assert response.status_code == 302
    entry = CalendarYear.objects.get()
    assert entry.complete and entry.declared_by == user
    assert get_calendar().add_working_days(D("2026-12-31"), 1) == D("2027-01-01")

    response = client.post(f"{YEARS}{entry.pk}/change/", {"note": "通知"})
    assert response.status_code == 302
    assert not CalendarYear.objects.get().complete
    assert AuditEvent.objects.filter(action="workdays.year_withdrawn").count() == 1
    assert client.get(f"{YEARS}{entry.pk}/delete/").status_code == 403


def test_importing_a_year_from_a_json_file(admin_client_):
    client, _ = admin_client_
    assert "import/" in client.get(YEARS).content.decode()
    document = {
        "year": 2027,
        "days": [{"day": "2027-01-01", "working": False, "name": "元旦", "name_en": "NY"}],
    }
    upload = SimpleUploadedFile("2027.json", json.dumps(document).encode(), "application/json")
    response = client.post(YEARS + "import/", {"file": upload, "declare": "on"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).complete
    assert WorkdayOverride.objects.get().day == D("2027-01-01")


def test_a_bad_import_file_lists_its_errors_and_saves_nothing(admin_client_):
    client, _ = admin_client_
    document = {
        "year": 2027,
        "days": [
            {"day": "2027-01-01", "working": False, "name": "元旦"},
            {"day": "2027-02-30", "working": False, "name": "错日"},
        ],
    }
    upload = SimpleUploadedFile("2027.json", json.dumps(document).encode(), "application/json")
    response = client.post(YEARS + "import/", {"file": upload, "declare": "on"})
    assert response.status_code == 200
    assert "days[1].day" in response.content.decode()
    assert not WorkdayOverride.objects.exists() and not CalendarYear.objects.exists()
    garbage = SimpleUploadedFile("x.json", b"\xff not json", "application/json")
    response = client.post(YEARS + "import/", {"file": garbage})
    assert response.status_code == 200 and not CalendarYear.objects.exists()
    beyond = SimpleUploadedFile("x.json", b'{"year": NaN, "days": []}', "application/json")
    response = client.post(YEARS + "import/", {"file": beyond})
    assert response.status_code == 200 and not CalendarYear.objects.exists()
    assert response.context["form"].errors["file"] == [str(strict_json.NOT_A_NUMBER)]
