from __future__ import annotations

from datetime import date

import pytest

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_user
from onewindow.core.errors import Forbidden, InvalidInput, NotFound
from onewindow.identity.roles import Role
from onewindow.workdays import services
from onewindow.workdays.calendar import CalendarNotConfigured, get_calendar
from onewindow.workdays.models import CalendarRevision, CalendarYear, WorkdayOverride

D = date.fromisoformat


def revision() -> int:
    return CalendarRevision.objects.get(pk=1).number


@pytest.fixture
def platform_admin(city):
    return make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])])


def year_document(**changes):
    document = {
        "year": 2027,
        "note": "测试",
        "days": [
            {"day": "2027-01-01", "working": False, "name": "元旦", "name_en": "New Year's Day"},
            {"day": "2027-02-08", "working": False, "name": "春节", "name_en": "Spring Festival"},
            {"day": "2027-02-20", "working": True, "name": "春节调休", "note": "Saturday"},
        ],
    }
    document.update(changes)
    return document


# --- overrides --------------------------------------------------------------------------


def test_platform_admin_sets_an_override(platform_admin):
    override = services.set_override(
        actor=platform_admin,
        day=D("2026-03-02"),
        is_working_day=False,
        name=" 全市停工日 ",
        name_en="City rest day",
        note="演示",
    )
    assert (override.name, override.created_by) == ("全市停工日", platform_admin)
    assert not get_calendar().is_working_day(D("2026-03-02"))
    event = AuditEvent.objects.get(action="workdays.override_set")
    assert event.actor_id == platform_admin.pk and event.outcome == "success"
    assert event.target_id == "2026-03-02"
    assert event.detail["is_working_day"] is False and event.detail["previous"] is None
    assert revision() == 1


def test_changing_an_override_keeps_one_row_and_records_the_previous(platform_admin):
    services.set_override(actor=platform_admin, day=D("2026-03-02"), is_working_day=False, name="A")
    services.set_override(actor=platform_admin, day=D("2026-03-02"), is_working_day=True, name="B")
    assert WorkdayOverride.objects.get().name == "B"
    last = AuditEvent.objects.filter(action="workdays.override_set").order_by("-seq").first()
    assert last.detail["previous"]["name"] == "A"
    assert revision() == 2


def test_removing_an_override_gives_the_day_back_to_the_package(platform_admin):
    services.set_override(
        actor=platform_admin, day=D("2026-02-14"), is_working_day=False, name="取消调休"
    )
    assert not get_calendar().is_working_day(D("2026-02-14"))
    services.remove_override(actor=platform_admin, day=D("2026-02-14"))
    assert get_calendar().is_working_day(D("2026-02-14"))
    event = AuditEvent.objects.get(action="workdays.override_removed")
    assert event.detail["previous"]["name"] == "取消调休"
    with pytest.raises(NotFound):
        services.remove_override(actor=platform_admin, day=D("2026-02-14"))


def test_override_fields_are_checked(platform_admin):
    with pytest.raises(InvalidInput) as excinfo:
        services.set_override(
            actor=platform_admin,
            day=D("2026-03-02"),
            is_working_day=False,
            name=" ",
            name_en="x" * 101,
        )
    assert set(excinfo.value.fields) == {"name", "name_en"}
    with pytest.raises(InvalidInput) as excinfo:
        services.set_override(
            actor=platform_admin, day=D("1999-03-02"), is_working_day=False, name="太早"
        )
    assert set(excinfo.value.fields) == {"day"}
    assert not WorkdayOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="workdays.override_set").exists()


@pytest.mark.parametrize(
    ("role", "department"),
    [
        (Role.DEPARTMENT_ADMIN, "police"),
        (Role.WINDOW_OFFICER, "police"),
        (Role.SUPERVISOR, "root"),
        (Role.CITIZEN, None),
    ],
)
def test_only_platform_admins_change_the_calendar(city, role, department):
    actor = make_user(roles=[(role, city[department] if department else None)])
    with pytest.raises(Forbidden):
        services.set_override(actor=actor, day=D("2026-03-02"), is_working_day=False, name="X")
    with pytest.raises(Forbidden):
        services.remove_override(actor=actor, day=D("2026-03-02"))
    with pytest.raises(Forbidden):
        services.declare_year(actor=actor, year=2027, note="")
    with pytest.raises(Forbidden):
        services.withdraw_year(actor=actor, year=2027)
    with pytest.raises(Forbidden):
        services.import_year(actor=actor, document=year_document())
    assert not WorkdayOverride.objects.exists() and not CalendarYear.objects.exists()
    denied = AuditEvent.objects.filter(outcome="denied", actor_id=actor.pk)
    assert sorted(denied.values_list("action", flat=True)) == [
        "workdays.override_removed",
        "workdays.override_set",
        "workdays.year_declared",
        "workdays.year_imported",
        "workdays.year_withdrawn",
    ]
    assert not CalendarRevision.objects.filter(number__gt=0).exists()


# --- years ------------------------------------------------------------------------------


def test_declaring_a_year_opens_it(platform_admin):
    with pytest.raises(CalendarNotConfigured):
        get_calendar().add_working_days(D("2026-12-31"), 1)
    entry = services.declare_year(actor=platform_admin, year=2027, note="国办发明电")
    assert entry.complete and entry.declared_by == platform_admin and entry.declared_at
    assert get_calendar().add_working_days(D("2026-12-31"), 1) == D("2027-01-01")
    assert AuditEvent.objects.get(action="workdays.year_declared").detail == {
        "year": 2027,
        "note": "国办发明电",
    }
    services.withdraw_year(actor=platform_admin, year=2027)
    assert not CalendarYear.objects.get(year=2027).complete
    with pytest.raises(CalendarNotConfigured):
        get_calendar().add_working_days(D("2026-12-31"), 1)
    with pytest.raises(NotFound):
        services.withdraw_year(actor=platform_admin, year=2027)
    assert revision() == 2


def test_declaring_a_package_year_leaves_the_package_in_charge(platform_admin):
    services.declare_year(actor=platform_admin, year=2026, note="")
    assert get_calendar().is_working_day(D("2026-02-14"))  # adjusted Saturday kept
    assert not get_calendar().is_working_day(D("2026-10-01"))


def test_year_is_checked(platform_admin):
    with pytest.raises(InvalidInput) as excinfo:
        services.declare_year(actor=platform_admin, year=20277, note="")
    assert "year" in excinfo.value.fields
    assert not CalendarYear.objects.exists()


# --- import -----------------------------------------------------------------------------


def test_import_stores_the_days_and_declares_the_year(platform_admin):
    result = services.import_year(actor=platform_admin, document=year_document())
    assert (result.year, result.added, result.changed, result.removed) == (2027, 3, 0, 0)
    assert result.declared and CalendarYear.objects.get(year=2027).complete
    cal = get_calendar()
    assert not cal.is_working_day(D("2027-01-01"))
    assert cal.is_working_day(D("2027-02-20"))  # a Saturday entered as working
    assert cal.is_working_day(D("2027-01-04"))  # Monday, nothing entered
    event = AuditEvent.objects.get(action="workdays.year_imported")
    assert event.detail == {
        "year": 2027,
        "days": 3,
        "declared": True,
        "added": 3,
        "changed": 0,
        "removed": 0,
        "unchanged": 0,
    }
    assert AuditEvent.objects.filter(action="workdays.year_declared").count() == 1


def test_import_again_replaces_the_year(platform_admin):
    services.import_year(actor=platform_admin, document=year_document())
    changed = year_document()
    changed["days"] = [
        changed["days"][0],  # unchanged
        {"day": "2027-02-08", "working": False, "name": "春节", "name_en": "Spring Festival (2)"},
    ]  # 2027-02-20 left out: removed
    services.set_override(actor=platform_admin, day=D("2026-05-06"), is_working_day=False, name="X")
    result = services.import_year(actor=platform_admin, document=changed, declare=False)
    assert (result.added, result.changed, result.removed, result.unchanged) == (0, 1, 1, 1)
    assert sorted(WorkdayOverride.objects.values_list("day", flat=True)) == [
        D("2026-05-06"),  # other years untouched
        D("2027-01-01"),
        D("2027-02-08"),
    ]


def test_import_with_one_bad_row_saves_nothing(platform_admin):
    document = year_document()
    document["days"].append({"day": "2027-13-01", "working": "no", "name": ""})
    document["days"].append({"day": "2028-01-01", "working": False, "name": "下一年"})
    document["days"].append({"day": "2027-01-01", "working": False, "name": "重复"})
    document["days"].append("2027-05-01")
    with pytest.raises(InvalidInput) as excinfo:
        services.import_year(actor=platform_admin, document=document)
    fields = excinfo.value.fields
    assert set(fields) == {
        "days[3].day",
        "days[3].working",
        "days[3].name",
        "days[4].day",
        "days[5].day",
        "days[6]",
    }
    assert "days[0]" in str(fields["days[5].day"][0])
    assert not WorkdayOverride.objects.exists() and not CalendarYear.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="workdays.").exists()
    assert not CalendarRevision.objects.exists()


def test_import_refuses_a_document_without_year_or_days(platform_admin):
    with pytest.raises(InvalidInput) as excinfo:
        services.import_year(actor=platform_admin, document={"year": "2027", "days": {}})
    assert set(excinfo.value.fields) == {"year", "days"}
    with pytest.raises(InvalidInput) as excinfo:
        services.import_year(actor=platform_admin, document=["not", "an", "object"])  # type: ignore[arg-type]
    assert set(excinfo.value.fields) == {"__all__"}
