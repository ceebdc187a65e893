"""The demo city: complete, valid and idempotent; its logins are printed only in a demo."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings
from stdnum.cn import ric, uscc

from onewindow.audit.models import AuditEvent
from onewindow.identity import demo_data
from onewindow.identity.demo import load_demo_city
from onewindow.identity.models import (
    Department,
    DepartmentKind,
    LegalPerson,
    RoleAssignment,
    User,
)
from onewindow.identity.permissions import reads_audit_trail
from onewindow.identity.roles import Role

DOCS_PAGE = Path(__file__).resolve().parents[3] / "docs" / "demo-logins.md"


def _counts() -> dict[str, int]:
    return {
        "departments": Department.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "companies": LegalPerson.objects.count(),
        "agents": LegalPerson.agents.through.objects.count(),
        "devices": TOTPDevice.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def demo_city(db: None) -> None:
    load_demo_city()


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    load_demo_city()
    first = _counts()
    paths = dict(Department.objects.values_list("code", "path"))
    load_demo_city()
    assert _counts() == first
    assert dict(Department.objects.values_list("code", "path")) == paths
    assert first["departments"] == len(demo_data.DEPARTMENTS)
    assert first["users"] == len(demo_data.USERS)


@pytest.mark.django_db
def test_the_command_prints_a_summary(settings: Settings) -> None:
    settings.DEMO = True
    out = StringIO()
    call_command("load_demo_city", stdout=out)
    call_command("load_demo_city", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert f"{len(demo_data.DEPARTMENTS)} departments" in lines[1]
    assert f"{len(demo_data.USERS)} users" in lines[1]


def test_department_codes_are_unique_ascii_and_short() -> None:
    codes = [d.code for d in demo_data.DEPARTMENTS]
    assert len(codes) == len(set(codes))
    assert all(code.isascii() and len(code) <= 32 for code in codes)
    seen: set[str] = set()
    for item in demo_data.DEPARTMENTS:  # parents come first
        assert item.parent is None or item.parent in seen
        seen.add(item.code)


@pytest.mark.usefixtures("demo_city")
def test_the_city_tree() -> None:
    city = Department.objects.get(code="310000")
    assert city.kind == DepartmentKind.CITY and city.parent is None
    bureaus = Department.objects.filter(kind=DepartmentKind.BUREAU, parent=city)
    assert bureaus.count() >= 20
    assert bureaus.filter(code="310000-GA", name="上海市公安局").exists()
    districts = Department.objects.filter(kind=DepartmentKind.DISTRICT, parent=city)
    assert districts.count() >= 3
    for district in districts:
        assert district.code == district.division_code and len(district.code) == 6
        streets = district.children.filter(kind=DepartmentKind.STREET)
        assert streets.count() >= 3
        for street in streets:
            assert street.code == street.division_code
            assert len(street.code) == 9 and street.code.startswith(district.code)
            assert street.path == f"/310000/{district.code}/{street.code}/"
        assert district.children.filter(kind=DepartmentKind.DISTRICT_BUREAU).count() >= 2
    assert Department.objects.get(code="310115-SJ").name == "浦东新区市场监督管理局"


@pytest.mark.usefixtures("demo_city")
def test_every_role_has_a_demo_user() -> None:
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    # One officer holds roles in two departments.
    assert any(
        RoleAssignment.objects.filter(user=u).values("department").distinct().count() >= 2
        for u in User.objects.filter(username__in=[d.username for d in demo_data.USERS])
    )
    agent = User.objects.get(username="agent.li")
    assert set(agent.role_assignments.values_list("role", flat=True)) == {
        Role.CITIZEN,
        Role.COMPANY_AGENT,
    }
    assert agent.companies.get().uscc == demo_data.COMPANIES[0].uscc
    assert User.objects.get(username="citizen.chen").preferred_language == "en"
    assert User.objects.get(username="citizen.wang").preferred_language == "zh-hans"
    admin = User.objects.get(username="admin").role_assignments.get()
    assert admin.department is not None
    assert (admin.role, admin.department.code) == (Role.PLATFORM_ADMIN, "310000")


def test_identity_numbers_and_credit_codes_are_valid() -> None:
    numbers = [u.id_number for u in demo_data.USERS]
    assert len(numbers) == len(set(numbers))
    for number in numbers:
        assert ric.validate(number) == number
        assert number.startswith("3101")
    for company in demo_data.COMPANIES:
        assert uscc.validate(company.uscc) == company.uscc


@pytest.mark.usefixtures("demo_city")
def test_stored_people_match_the_data() -> None:
    for item in demo_data.USERS:
        stored = User.objects.get(username=item.username)
        assert stored.id_number == item.id_number
        assert stored.email == f"{item.username}@demo.onewindow.invalid"
        assert stored.phone == item.phone and stored.full_name == item.full_name


@pytest.mark.usefixtures("demo_city")
def test_every_officer_has_a_working_authenticator() -> None:
    officers = [u for u in demo_data.USERS if u.is_officer]
    assert len(officers) >= 10
    for item in officers:
        device = TOTPDevice.objects.get(user__username=item.username, confirmed=True)
        assert device.key == item.totp_key and len(device.key) == 40
    item = demo_data.user("ga.window")
    device = TOTPDevice.objects.get(user__username="ga.window")
    assert device.verify_token(f"{totp(bytes.fromhex(item.totp_key)):06d}")
    for item in demo_data.USERS:
        if not item.is_officer:
            assert not TOTPDevice.objects.filter(user__username=item.username).exists()


def test_the_demo_password_passes_the_validators() -> None:
    assert demo_data.DEMO_PASSWORD == "Demo-Pass-2026"
    for item in demo_data.USERS:
        candidate = User(username=item.username, email=item.email, full_name=item.full_name)
        validate_password(demo_data.DEMO_PASSWORD, candidate)


@pytest.mark.usefixtures("demo_city")
def test_the_demo_password_logs_a_citizen_in() -> None:
    request = RequestFactory().post("/login/")
    user = authenticate(request, username="citizen.wang", password=demo_data.DEMO_PASSWORD)
    assert user is not None and user.username == "citizen.wang"
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="citizen.wang", password="wrong-password") is None


def test_totp_secrets_are_deterministic_base32() -> None:
    item = demo_data.user("ga.window")
    assert item.totp_key == demo_data.totp_key_hex("ga.window")
    assert demo_data.base32_of(item.totp_key) == item.totp_secret
    assert item.totp_secret.isalnum() and item.totp_secret.isupper()
    assert len({u.totp_secret for u in demo_data.USERS}) == len(demo_data.USERS)


@pytest.mark.django_db
def test_demo_logins_refuses_outside_a_demo(settings: Settings) -> None:
    settings.DEBUG = False
    settings.DEMO = False  # ONEWINDOW_DEMO unset, as in production
    out = StringIO()
    for args in ([], ["--markdown"]):
        with pytest.raises(CommandError, match="ONEWINDOW_DEMO=1"):
            call_command("demo_logins", *args, stdout=out)
    assert demo_data.DEMO_PASSWORD not in out.getvalue()


@pytest.mark.usefixtures("demo_city")
def test_demo_logins_prints_current_codes_in_a_demo(settings: Settings) -> None:
    settings.DEMO = True
    key = bytes.fromhex(demo_data.user("ga.window").totp_key)
    before = f"{totp(key):06d}"
    out = StringIO()
    call_command("demo_logins", stdout=out)
    after = f"{totp(key):06d}"
    text = out.getvalue()
    line = next(line for line in text.splitlines() if line.startswith("ga.window "))
    assert demo_data.user("ga.window").totp_secret in line
    assert demo_data.DEMO_PASSWORD in line
    assert line.split()[-1] in {before, after}
    assert "公安局" in line
    citizen = next(line for line in text.splitlines() if line.startswith("citizen.wang "))
    assert citizen.split()[-1] == demo_data.DEMO_PASSWORD  # no secret, no code
    assert "Not in the database" not in text


@pytest.mark.django_db
def test_demo_logins_markdown_matches_the_docs(settings: Settings) -> None:
    settings.DEMO = True
    out = StringIO()
    call_command("demo_logins", "--markdown", stdout=out)
    table = out.getvalue().strip()
    assert table.startswith("| user name |")
    assert len(table.splitlines()) == len(demo_data.USERS) + 2
    assert "`Demo-Pass-2026`" in table
    # The committed page shows the current table (regenerate it when the data changes).
    assert table in DOCS_PAGE.read_text(encoding="utf-8")
    assert table in (DOCS_PAGE.parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.usefixtures("demo_city")
def test_only_the_platform_admins_and_the_citys_supervisor_reach_djangos_admin() -> None:
    # The platform admins, as staff, for the calendar and the waiting runs; the city's
    # supervisor for the audit trail, which only roles at the city's root read.
    staff = set(User.objects.filter(is_staff=True).values_list("username", flat=True))
    assert staff == {"admin"}
    entering = set()
    for user in User.objects.all():
        request = RequestFactory().get("/django-admin/")
        request.user = user
        if admin.site.has_permission(request):
            entering.add(user.username)
    assert entering == {"admin", "supervisor"}
    assert all(reads_audit_trail(user) for user in User.objects.filter(is_staff=True))
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.usefixtures("demo_city")
def test_the_admin_sites_access_and_language_set_by_the_seed_are_audited() -> None:
    set_by_seed = {
        event.target_id: event.detail
        for event in AuditEvent.objects.filter(action="identity.demo_profile_set")
    }
    assert len(set_by_seed) == len(demo_data.USERS)
    for user in User.objects.filter(username__in=[u.username for u in demo_data.USERS]):
        assert set_by_seed[str(user.pk)] == {
            "language": user.preferred_language,
            "admin_site": user.is_staff,
        }
    assert any(detail["admin_site"] for detail in set_by_seed.values())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "command",
    [
        "load_demo_city",
        "load_demo_calendar",
        "load_demo_catalog",
        "load_demo_cases",
        "load_demo_forms",
    ],
)
def test_the_demo_loaders_refuse_outside_a_demo(settings: Settings, command: str) -> None:
    """QA: run on a production database, the city's would have made a platform admin
    whose password and two-factor secret are published."""
    settings.DEBUG = False
    settings.DEMO = False
    with pytest.raises(CommandError, match="ONEWINDOW_DEMO=1"):
        call_command(command, stdout=StringIO())
    assert not User.objects.exists()
    assert not Department.objects.exists()
