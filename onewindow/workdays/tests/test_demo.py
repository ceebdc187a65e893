from __future__ import annotations

import json
from datetime import date
from io import StringIO

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command

from onewindow.audit.models import AuditEvent
from onewindow.workdays import services
from onewindow.workdays.calendar import get_calendar
from onewindow.workdays.demo import CONTENT, load_demo_calendar, read_year
from onewindow.workdays.models import CalendarYear, WorkdayOverride

D = date.fromisoformat


def test_demo_2027_holds_the_statutory_holidays_only():
    document = read_year(CONTENT / "2027-provisional.json")
    assert document["year"] == 2027 and "provisional" in document["note"].lower()
    days = {D(row["day"]) for row in document["days"]}
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 days under the 2024 amendment
    assert not any(row["working"] for row in document["days"])  # no 调休 entered
    # Qingming is the solar term, which the package computes for any year.
    qingming = [
        d
        for d, name in chinese_calendar.get_solar_terms(D("2027-04-01"), D("2027-04-30"))
        if name == "清明"
    ]
    assert qingming == [D("2027-04-05")] and D("2027-04-05") in days


def test_loading_the_demo_calendar_declares_2027_once(db):
    assert load_demo_calendar() == 1
    entry = CalendarYear.objects.get(year=2027)
    assert entry.complete and entry.declared_by is None and "PROVISIONAL" in entry.note
    assert WorkdayOverride.objects.filter(day__year=2027).count() == 13
    assert load_demo_calendar() == 0
    assert AuditEvent.objects.filter(action="workdays.year_imported").count() == 1
    cal = get_calendar()
    # Wed 2027-02-03: Thu 02-04 (1); 除夕 Fri 02-05 to Mon 02-08 off; 02-09 (2), 02-10 (3).
    assert cal.add_working_days(D("2027-02-03"), 3) == D("2027-02-10")
    # Thu 2026-12-24: 12-25 .. 12-31 are 5; Fri 01-01 off; Mon 01-04 (6).
    assert cal.add_working_days(D("2026-12-24"), 6) == D("2027-01-04")


def test_the_demo_leaves_a_year_the_city_has_started_alone(db):
    services.set_override(actor=None, day=D("2027-03-01"), is_working_day=False, name="本市")
    assert load_demo_calendar() == 0
    assert not CalendarYear.objects.exists()
    assert WorkdayOverride.objects.count() == 1


def test_load_demo_calendar_command(db, settings):
    settings.DEMO = True
    out = StringIO()
    call_command("load_demo_calendar", stdout=out)
    assert "1 provisional year(s)" in out.getvalue()


def test_import_workdays_command(db, tmp_path):
    path = tmp_path / "2028.json"
    path.write_text(
        json.dumps(
            {"year": 2028, "days": [{"day": "2028-01-01", "working": False, "name": "元旦"}]}
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_workdays", str(path), "--no-declare", stdout=out)
    assert "2028: 1 added" in out.getvalue() and "not declared" in out.getvalue()
    assert not CalendarYear.objects.filter(complete=True).exists()
    path.write_text(json.dumps({"year": 2028, "days": [{"day": "2028-02-30"}]}), "utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_workdays", str(path))
    # In English, as the other commands; the problems each under their place.
    lines = str(refused.value).splitlines()
    assert lines[0] == "The file has problems; nothing was written."
    assert "days[0].day: Must be a date written YYYY-MM-DD." in lines
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_workdays", str(tmp_path / "missing.json"))
