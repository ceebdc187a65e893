"""A fresh installation (``identity.bootstrap``, ``manage.py bootstrap_city``): the
department tree loaded from a file, all or nothing and idempotent, and the first
platform admin, audited like any grant and never a second one by accident."""

from __future__ import annotations

import dataclasses
import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.audit.models import AuditEvent
from onewindow.audit.verification import verify_chain
from onewindow.conftest import make_id_number, make_user
from onewindow.core.errors import Conflict, InvalidInput
from onewindow.identity import bootstrap, department_tree, permissions
from onewindow.identity.bootstrap import AdminRequest
from onewindow.identity.department_tree import TreeRejected
from onewindow.identity.management.commands import bootstrap_city as command
from onewindow.identity.models import Department, RoleAssignment, User
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "departments.json"
GUIDE = ROOT / "docs" / "first-install.md"
CSV_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "departments.csv"
PASSWORD = "Harbour-lights-2027"


def _example() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(EXAMPLE.read_text(encoding="utf-8"))["departments"]
    return rows


def _write(tmp_path: Path, rows: list[Any], name: str = "departments.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"departments": rows}, ensure_ascii=False), encoding="utf-8")
    return path


def _load(path: Path) -> bootstrap.BootstrapReport:
    return bootstrap.bootstrap_city(departments=department_tree.read_departments(path))


def _admin(**overrides: Any) -> AdminRequest:
    details: dict[str, Any] = {
        "username": "tang.ning",
        "full_name": "唐宁",
        "email": "tang.ning@example.invalid",
        "password": PASSWORD,
    }
    return AdminRequest(**{**details, **overrides})


def _written() -> tuple[int, int, int, int]:
    return (
        Department.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


def _run(*args: str) -> str:
    out = StringIO()
    call_command("bootstrap_city", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- the department tree --------------------------------------------------------------


def test_the_example_file_loads_the_tree_with_paths_and_an_audit_record_each():
    report = _load(EXAMPLE)
    rows = _example()
    assert len(report.created) == len(rows) == Department.objects.count()
    street = Department.objects.get(code="310115005")
    assert street.path == "/310000/310115/310115005/"
    assert street.kind == "street" and street.name == "陆家嘴街道"
    assert street.name_en == "Lujiazui Subdistrict"
    assert Department.objects.get(code="310000").parent is None
    events = AuditEvent.objects.filter(action="identity.department_created")
    assert events.count() == len(rows)
    police = events.get(target_id=str(Department.objects.get(code="310000-GA").pk))
    assert police.actor_id is None  # the system
    assert police.target_type == "identity.department"
    assert police.detail["code"] == "310000-GA" and police.detail["parent"] == "310000"
    assert police.detail["name"] == "上海市公安局"
    assert "shell_user" in police.detail
    assert verify_chain() == []


def test_a_csv_file_loads_as_a_json_file_does():
    report = _load(CSV_FIXTURE)
    assert [d.code for d in report.created] == [
        "310000",
        "310000-GA",
        "310115",
        "310115005",
        "310115-SJ",
    ]
    market = Department.objects.get(code="310115-SJ")
    # A quoted cell keeps its comma; the BOM-less header and CRLF lines read as well.
    assert market.name_en == "Pudong New Area Administration for Market Regulation, Shanghai"
    assert market.short_name == "浦东市场监管"
    assert market.path == "/310000/310115/310115-SJ/"


def test_children_may_come_before_their_parents_in_the_file(tmp_path):
    rows = list(reversed(_example()))
    _load(_write(tmp_path, rows))
    assert Department.objects.get(code="310101002").path == "/310000/310101/310101002/"


def test_loading_the_same_file_again_changes_nothing():
    _load(EXAMPLE)
    before = _written()
    paths = dict(Department.objects.values_list("code", "path"))
    report = _load(EXAMPLE)
    assert _written() == before
    assert dict(Department.objects.values_list("code", "path")) == paths
    assert (report.created, report.updated) == ([], [])
    assert len(report.unchanged) == len(_example())


def test_a_renamed_department_is_updated_and_audited(tmp_path):
    _load(EXAMPLE)
    rows = _example()
    for row in rows:
        if row["code"] == "310000-SJ":
            row["name"] = "上海市市场监管局"
            row["name_en"] = "Shanghai Market Regulation"
    report = _load(_write(tmp_path, rows))
    assert [(d.code, changed) for d, changed in report.updated] == [
        (
            "310000-SJ",
            {
                "name": ("上海市市场监督管理局", "上海市市场监管局"),
                "name_en": (
                    "Shanghai Municipal Administration for Market Regulation",
                    "Shanghai Market Regulation",
                ),
            },
        )
    ]
    market = Department.objects.get(code="310000-SJ")
    assert (market.name, market.path) == ("上海市市场监管局", "/310000/310000-SJ/")
    event = AuditEvent.objects.get(action="identity.department_updated")
    assert event.actor_id is None and event.target_id == str(market.pk)
    assert event.detail["changed"] == {
        "name": {"from": "上海市市场监督管理局", "to": "上海市市场监管局"},
        "name_en": {
            "from": "Shanghai Municipal Administration for Market Regulation",
            "to": "Shanghai Market Regulation",
        },
    }


def test_a_field_the_file_leaves_out_is_left_as_it_is_and_nothing_is_deleted(tmp_path):
    _load(EXAMPLE)
    # Only the root, without its short names: the other departments stay, and so do
    # the root's short names.
    root = {k: v for k, v in _example()[0].items() if not k.startswith("short_name")}
    report = _load(_write(tmp_path, [root]))
    assert report.unchanged == ["310000"] and not report.updated
    assert Department.objects.count() == len(_example())
    assert Department.objects.get(code="310000").short_name == "市政府"


def test_a_department_may_go_under_one_the_database_holds_already(tmp_path):
    _load(EXAMPLE)
    street = {"code": "310115007", "name": "周家渡街道", "kind": "street", "parent": "310115"}
    report = _load(_write(tmp_path, [street]))
    assert [d.code for d in report.created] == ["310115007"]
    assert Department.objects.get(code="310115007").path == "/310000/310115/310115007/"


ROOT_ROW = {"code": "310000", "name": "市政府", "kind": "city", "parent": None}


def _bureau(code: str, parent: str | None = "310000", **fields: Any) -> dict[str, Any]:
    return {"code": code, "name": f"局{code}", "kind": "bureau", "parent": parent, **fields}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [ROOT_ROW, _bureau("310000-GA", parent="310000-XX")],
            "departments[1] (310000-GA): unknown parent 310000-XX",
        ),
        (
            [ROOT_ROW, _bureau("310000-GA"), _bureau("310000-GA")],
            "departments[2] (310000-GA): code 310000-GA is also at departments[1] (310000-GA)",
        ),
        (
            [ROOT_ROW, _bureau("310000-A", parent="310000-B"), _bureau("310000-B", "310000-A")],
            "departments[1] (310000-A): its parents form a cycle: 310000-A → 310000-B → 310000-A",
        ),
        (
            [ROOT_ROW, _bureau("310000-GA", parent="310000-GA")],
            "departments[1] (310000-GA): is its own parent",
        ),
        (
            [ROOT_ROW, _bureau("310000-GA", name="  ")],
            "departments[1] (310000-GA): no name (the Chinese name)",
        ),
        (
            [ROOT_ROW, {"code": "310000-GA", "kind": "bureau", "parent": "310000"}],
            "departments[1] (310000-GA): no name (the Chinese name)",
        ),
        (
            [ROOT_ROW, _bureau("310000/GA")],
            "departments[1] (310000/GA): code '310000/GA' is not a division code",
        ),
        (
            [ROOT_ROW, _bureau("310000-ga")],
            "departments[1] (310000-ga): code '310000-ga' is not a division code",
        ),
        (
            [ROOT_ROW, {"name": "公安局", "kind": "bureau", "parent": "310000"}],
            "departments[1]: no code",
        ),
        (
            [ROOT_ROW, _bureau("310000-GA", kind="office")],
            "departments[1] (310000-GA): kind 'office' is not one of city, bureau",
        ),
        (
            [ROOT_ROW, _bureau("310000-GA", nmae="公安局")],
            "departments[1] (310000-GA): unknown field 'nmae'",
        ),
        (
            [ROOT_ROW, _bureau("310000-GA", name_en=7)],
            "departments[1] (310000-GA): name_en must be text",
        ),
        (
            [ROOT_ROW, _bureau("310000-GA", division_code="31-00")],
            "departments[1] (310000-GA): division_code '31-00' is not a code of 6, 9 or 12",
        ),
        (
            [ROOT_ROW, _bureau("310000-GA", short_name="长" * 31)],
            "departments[1] (310000-GA): short_name is longer than 30 characters",
        ),
        (
            [ROOT_ROW, {**ROOT_ROW, "code": "320000"}],
            "departments[1] (320000): has no parent, but the tree has its root already: 310000",
        ),
        ([ROOT_ROW, "310000-GA"], "departments[1]: must be an object"),
        ([], "departments: the list is empty"),
    ],
)
def test_a_bad_file_is_refused_naming_where_and_nothing_is_written(tmp_path, rows, expected):
    # A valid department beside the bad one is not written either.
    path = _write(tmp_path, [*rows, _bureau("310000-SJ")] if rows else rows)
    with pytest.raises(TreeRejected) as refused:
        _load(path)
    assert any(line.startswith(expected) for line in refused.value.fields["departments"]), (
        refused.value.fields
    )
    assert _written() == (0, 0, 0, 0)


def test_every_problem_of_a_file_is_named_at_once_in_the_file_s_order(tmp_path):
    rows = [
        ROOT_ROW,
        _bureau("310000-GA", name=""),
        _bureau("310000-GA"),
        _bureau("310000-a"),
        _bureau("310000-A", parent="310000-B"),
        _bureau("310000-B", parent="310000-A"),
        _bureau("310000-C", parent="310000-Z"),
    ]
    with pytest.raises(TreeRejected) as refused:
        _load(_write(tmp_path, rows))
    assert [str(problem) for problem in refused.value.problems] == [
        "departments[1] (310000-GA): no name (the Chinese name)",
        "departments[2] (310000-GA): code 310000-GA is also at departments[1] (310000-GA)",
        f"departments[3] (310000-a): code '310000-a' is not {department_tree.CODE_SHAPE}",
        "departments[4] (310000-A): its parents form a cycle: 310000-A → 310000-B → 310000-A",
        "departments[6] (310000-C): unknown parent 310000-Z: in neither the file nor the database",
    ]
    assert _written() == (0, 0, 0, 0)


def test_a_department_is_not_moved_to_another_parent(tmp_path):
    _load(EXAMPLE)
    before = _written()
    moved = _bureau("310000-GA", parent="310115")
    with pytest.raises(TreeRejected) as refused:
        _load(_write(tmp_path, [moved]))
    assert refused.value.fields["departments"] == [
        "departments[0] (310000-GA): is under 310000 in the database, not 310115: "
        "bootstrap_city moves no department"
    ]
    assert _written() == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("departments.json", "{not json", "file: not JSON"),
        ("departments.json", '[{"code": "310000"}]', "file: the file must hold an object"),
        ("departments.json", '{"departments": [], "note": 1}', "file: unknown key 'note'"),
        ("departments.json", '{"departments": [NaN]}', "file: NaN, Infinity"),
        ("departments.yaml", "departments: []", "file: use a .json or a .csv file"),
        ("departments.csv", "code,name,parent\n310000,市政府,\n", "line 1: no column 'kind'"),
        (
            "departments.csv",
            "code,name,kind,parent,remark\n310000,市政府,city,,x\n",
            "line 1: unknown column 'remark'",
        ),
        (
            "departments.csv",
            "code,name,kind,parent\n310000,市政府,city,\n310000-GA,公安局,bureau,310000,x\n",
            "line 3 (310000-GA): more cells than the header has columns",
        ),
        (
            "departments.csv",
            "code,name,kind,parent\n310000,市政府,city,\n310000-GA,,bureau,310000\n",
            "line 3 (310000-GA): no name (the Chinese name)",
        ),
    ],
)
def test_a_file_that_cannot_be_read_as_departments_is_refused(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TreeRejected) as refused:
        _load(path)
    assert any(line.startswith(expected) for line in refused.value.fields["departments"]), (
        refused.value.fields
    )
    assert _written() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("gb18030", "市政府"), ("utf-16", "市政府"), ("utf-16-le", "市政府"), ("utf-16-le", "City")],
)
def test_a_csv_file_that_is_not_utf8_is_refused_saying_how_to_save_it(tmp_path, encoding, name):
    # GBK as a Chinese spreadsheet saves "CSV"; UTF-16 as it saves "Unicode text", with
    # a BOM or without, which, all ASCII, reads as UTF-8 with a NUL after each letter.
    path = tmp_path / "departments.csv"
    path.write_bytes(f"code,name,kind,parent\n310000,{name},city,\n".encode(encoding))
    with pytest.raises(TreeRejected) as refused:
        _load(path)
    assert refused.value.fields["departments"] == [
        'file: the file is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8 '
        '(Comma delimited)"'
    ]


def test_a_json_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "departments.json"
    path.write_bytes(json.dumps({"departments": [ROOT_ROW]}, ensure_ascii=False).encode("gbk"))
    with pytest.raises(TreeRejected) as refused:
        _load(path)
    assert refused.value.fields["departments"] == [
        "file: the file is not UTF-8 text: save it as UTF-8"
    ]


# --- the platform admin ---------------------------------------------------------------


def test_the_admin_is_created_with_the_platform_admin_role_at_the_root_and_audited():
    report = bootstrap.bootstrap_city(
        departments=department_tree.read_departments(EXAMPLE), admin=_admin()
    )
    admin = User.objects.get(username="tang.ning")
    assert report.admin == "created" and report.admin_user == admin
    assert (admin.full_name, admin.email) == ("唐宁", "tang.ning@example.invalid")
    assert admin.check_password(PASSWORD)
    assert list(admin.role_assignments.values_list("role", "department__code")) == [
        (Role.PLATFORM_ADMIN, "310000")
    ]
    # Not staff nor superuser: the role, not a flag, opens what a platform admin does.
    assert not admin.is_staff and not admin.is_superuser
    assert permissions.needs_second_factor(admin)
    assert not TOTPDevice.objects.filter(user=admin).exists()  # enrolled at first login
    # As the departments are: the system, and the server account that ran the command;
    # the new admin is not on record as the creator of their own account.
    shell_user = bootstrap._shell_user()
    created = AuditEvent.objects.get(action="identity.account_created", target_id=str(admin.pk))
    assert created.actor_id is None
    assert created.detail["username"] == "tang.ning"
    assert created.detail["shell_user"] == shell_user
    granted = AuditEvent.objects.get(action="identity.role_granted", target_id=str(admin.pk))
    assert granted.actor_id is None
    assert granted.detail == {
        "role": "platform_admin",
        "department": "310000",
        "shell_user": shell_user,
    }
    department = AuditEvent.objects.filter(action="identity.department_created").first()
    assert department is not None and department.detail["shell_user"] == shell_user
    assert verify_chain() == []


def test_the_admin_s_records_name_the_server_account_that_ran_the_command(monkeypatch):
    monkeypatch.setattr(bootstrap.getpass, "getuser", lambda: "deploy")
    _load(EXAMPLE)
    bootstrap.bootstrap_city(admin=_admin())
    admin = User.objects.get(username="tang.ning")
    for action in ("identity.account_created", "identity.role_granted"):
        event = AuditEvent.objects.get(action=action, target_id=str(admin.pk))
        assert (event.actor_id, event.detail["shell_user"]) == (None, "deploy"), action


def test_an_admin_needs_a_tree():
    with pytest.raises(InvalidInput, match="no department tree"):
        bootstrap.bootstrap_city(admin=_admin())
    assert _written() == (0, 0, 0, 0)


def test_a_refused_admin_leaves_the_tree_of_the_same_run_unwritten():
    with pytest.raises(InvalidInput) as refused:
        bootstrap.bootstrap_city(
            departments=department_tree.read_departments(EXAMPLE), admin=_admin(password="short")
        )
    assert "password" in refused.value.fields
    assert _written() == (0, 0, 0, 0)


def test_a_second_admin_is_refused_unless_asked_for():
    _load(EXAMPLE)
    bootstrap.bootstrap_city(admin=_admin())
    second = _admin(username="li.hua", full_name="李华", email="li.hua@example.invalid")
    before = _written()
    with pytest.raises(Conflict, match=r"A platform admin exists already: tang\.ning") as refused:
        bootstrap.bootstrap_city(admin=second)
    assert refused.value.code == "platform_admin_exists"
    assert _written() == before
    report = bootstrap.bootstrap_city(admin=dataclasses.replace(second, add_admin=True))
    assert report.admin == "created"
    assert set(
        RoleAssignment.objects.filter(role=Role.PLATFORM_ADMIN).values_list(
            "user__username", flat=True
        )
    ) == {"tang.ning", "li.hua"}


def test_the_same_admin_again_changes_nothing():
    _load(EXAMPLE)
    bootstrap.bootstrap_city(admin=_admin())
    before = _written()
    report = bootstrap.bootstrap_city(admin=_admin(password=""))
    assert report.admin == "unchanged"
    assert _written() == before


def test_an_existing_account_is_granted_the_role_only_when_said_to_be_the_person_s():
    _load(EXAMPLE)
    person = make_user(username="tang.ning")  # registered on the site before
    with pytest.raises(Conflict, match="exists already") as refused:
        bootstrap.bootstrap_city(admin=_admin())
    assert refused.value.code == "account_exists"
    assert not RoleAssignment.objects.filter(user=person, role=Role.PLATFORM_ADMIN).exists()
    report = bootstrap.bootstrap_city(admin=_admin(existing_account=True))
    assert report.admin == "granted"
    assert RoleAssignment.objects.filter(
        user=person, role=Role.PLATFORM_ADMIN, department__code="310000"
    ).exists()
    granted = AuditEvent.objects.filter(action="identity.role_granted").last()
    assert granted.actor_id is None and granted.target_id == str(person.pk)
    assert granted.detail["role"] == "platform_admin" and "shell_user" in granted.detail
    # Its password is its own: the request's is not set on it.
    person.refresh_from_db()
    assert not person.check_password(PASSWORD)
    assert not report.admin_enrolled


def test_the_command_grants_an_existing_account_that_has_an_authenticator():
    _load(EXAMPLE)
    person = make_user(username="tang.ning", with_totp=True)
    out = _run("--admin", "tang.ning", "--existing-account")
    assert f"Platform admin: granted tang.ning ({person.full_name}) platform_admin at 310000" in out
    assert "the authenticator they set up already" in out
    assert "/account/2fa/" not in out


def test_a_new_admin_s_details_are_checked_before_the_password_is_asked_for():
    _load(EXAMPLE)
    with pytest.raises(InvalidInput) as refused:
        bootstrap.preflight(
            departments=None,
            admin=AdminRequest(username="bad name", id_number="110101199003070000"),
        )
    assert set(refused.value.fields) == {"username", "full_name", "id_number", "email"}
    assert bootstrap.preflight(departments=None, admin=_admin(id_number=make_id_number()))


def test_the_bootstrapped_admin_enrols_at_first_login_then_opens_the_calendar_admin(
    django_capture_on_commit_callbacks,
):
    _load(EXAMPLE)
    bootstrap.bootstrap_city(admin=_admin())
    client = Client()
    response = client.post("/login/", {"username": "tang.ning", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/account/2fa/")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/account/2fa/")
    assert page.status_code == 200 and b"<svg" in page.content  # the QR code to scan
    # The code the authenticator app shows once it has scanned the pending device's key,
    # and the one emailed to the admin's address (two_factor).
    device = TOTPDevice.objects.get(user__username="tang.ning", confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    emailed = EmailDevice.objects.get(user__username="tang.ning").token
    response = client.post("/account/2fa/", {"otp": code, "mailbox_code": emailed})
    assert response.status_code == 302, response.content
    assert TOTPDevice.objects.filter(user__username="tang.ning", confirmed=True).exists()
    # What docs/first-install.md sends them to, without is_staff: the calendar's pages
    # in Django's admin, the departments' pages, the catalog's import and its template.
    for address in (
        "/django-admin/workdays/calendaryear/import/",
        "/django-admin/workdays/workdayoverride/",
        "/django-admin/audit/auditevent/",
        "/officer/departments/310000/",
        "/officer/departments/310000-GA/",
        "/backoffice/catalog/import/",
        "/backoffice/catalog/export.xlsx",
    ):
        assert client.get(address).status_code == 200, address


# --- the command --------------------------------------------------------------------------


def test_the_command_loads_the_tree_and_creates_the_admin_from_an_environment_variable(
    monkeypatch,
):
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", PASSWORD)
    out = _run(
        "--departments",
        str(EXAMPLE),
        "--admin",
        "tang.ning",
        "--full-name",
        "唐宁",
        "--email",
        "tang.ning@example.invalid",
        "--password-env",
        "FIRST_ADMIN_PASSWORD",
    )
    count = len(_example())
    assert f"Departments: {count} created, 0 updated, 0 unchanged." in out
    assert (
        "Platform admin: created the account tang.ning (唐宁) and granted it platform_admin "
        "at 310000 (上海市人民政府)." in out
    )
    assert "/account/2fa/" in out and "authenticator" in out
    # QA: it said the authenticator's code alone completes the set-up.
    assert "also asks for the code the site emails there (valid 15 minutes)" in out
    assert "Whoever logs in first with this password sets up the authenticator" in out
    assert "/officer/departments/<code>/" in out
    assert User.objects.get(username="tang.ning").check_password(PASSWORD)
    again = _run("--departments", str(EXAMPLE), "--admin", "tang.ning")
    assert f"Departments: 0 created, 0 updated, {count} unchanged." in again
    assert "tang.ning holds platform_admin at 310000 (上海市人民政府) already" in again


def test_the_command_lists_created_departments_at_verbosity_2_and_updated_ones_always(tmp_path):
    out = _run("--departments", str(EXAMPLE), "-v", "2")
    assert "  created 310000-GA 上海市公安局" in out
    rows = _example()
    rows[4]["name"] = "上海市公安局（改）"
    out = _run("--departments", str(_write(tmp_path, rows)))
    assert "  updated 310000-GA: name '上海市公安局' → '上海市公安局（改）'" in out


def test_the_command_names_every_problem_of_a_bad_file(tmp_path):
    path = _write(tmp_path, [ROOT_ROW, _bureau("310000-GA", parent="310000-XX"), _bureau("x")])
    with pytest.raises(CommandError) as refused:
        _run("--departments", str(path))
    assert str(refused.value).splitlines() == [
        "The department file has problems; nothing was written.",
        "departments[1] (310000-GA): unknown parent 310000-XX: in neither the file nor the "
        "database",
        f"departments[2] (x): code 'x' is not {department_tree.CODE_SHAPE}",
    ]
    with pytest.raises(CommandError, match="no such file"):
        _run("--departments", str(tmp_path / "missing.json"))


def test_the_command_refuses_a_second_admin_before_asking_a_password(monkeypatch):
    _load(EXAMPLE)
    bootstrap.bootstrap_city(admin=_admin())
    monkeypatch.setattr(command.getpass, "getpass", _never)
    with pytest.raises(CommandError, match="--add-admin"):
        _run("--admin", "li.hua", "--full-name", "李华", "--email", "li.hua@example.invalid")


def _never(prompt: str = "") -> str:
    raise AssertionError("the password was asked for")


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_asks_the_password_twice_on_a_terminal(monkeypatch):
    _load(EXAMPLE)
    answers = iter(["Harbour-lights-2027", "Harbour-lights-2028", PASSWORD, PASSWORD])
    monkeypatch.setattr(command.sys, "stdin", _Terminal())
    monkeypatch.setattr(command.getpass, "getpass", lambda prompt="": next(answers))
    err = StringIO()
    call_command(
        "bootstrap_city",
        "--admin",
        "tang.ning",
        "--full-name",
        "唐宁",
        "--email",
        "tang.ning@example.invalid",
        stdout=StringIO(),
        stderr=err,
    )
    assert "The two passwords differ." in err.getvalue()
    assert User.objects.get(username="tang.ning").check_password(PASSWORD)


def test_the_command_never_takes_a_weak_or_missing_password(monkeypatch):
    _load(EXAMPLE)
    details = ["--admin", "tang.ning", "--full-name", "唐宁", "--email", "t@example.invalid"]
    monkeypatch.setattr(command.sys, "stdin", StringIO())  # no terminal
    with pytest.raises(CommandError, match="--password-env"):
        _run(*details)
    with pytest.raises(CommandError, match="ADMIN_PW is empty or not set"):
        _run(*details, "--password-env", "ADMIN_PW")
    monkeypatch.setenv("ADMIN_PW", "short")
    with pytest.raises(CommandError, match="The password is refused"):
        _run(*details, "--password-env", "ADMIN_PW")
    assert not User.objects.exists()
    with pytest.raises(CommandError):
        call_command("bootstrap_city", *details, "--password", PASSWORD)  # no such option


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(monkeypatch):
    monkeypatch.setenv("ADMIN_PW", PASSWORD)
    out = _run(
        "--departments",
        str(EXAMPLE),
        "--admin",
        "tang.ning",
        "--full-name",
        "唐宁",
        "--email",
        "tang.ning@example.invalid",
        "--password-env",
        "ADMIN_PW",
        "--dry-run",
    )
    assert out.startswith("Dry run: nothing was written.")
    assert f"Departments: {len(_example())} to create, 0 to update, 0 unchanged." in out
    assert (
        "Platform admin: would create the account tang.ning (唐宁) and grant it "
        "platform_admin at 310000 (上海市人民政府)." in out
    )
    # Nothing was done: nothing in the past tense, and no advice for after the run.
    assert " created" not in out and "granted" not in out
    assert "Whoever logs in first" not in out and "Next:" not in out
    assert _written() == (0, 0, 0, 0)


def test_a_dry_run_lists_what_it_would_create_and_update(tmp_path):
    _load(EXAMPLE)
    rows = _example()
    rows[4]["name"] = "上海市公安局（改）"
    rows.append({"code": "310115007", "name": "周家渡街道", "kind": "street", "parent": "310115"})
    before = _written()
    out = _run("--departments", str(_write(tmp_path, rows)), "--dry-run", "-v", "2")
    assert f"Departments: 1 to create, 1 to update, {len(rows) - 2} unchanged." in out
    assert "  would create 310115007 周家渡街道" in out
    assert "  would update 310000-GA: name '上海市公安局' → '上海市公安局（改）'" in out
    assert _written() == before


def test_a_dry_run_with_an_existing_account_says_it_would_grant_and_nothing_of_a_password():
    _load(EXAMPLE)
    person = make_user(username="tang.ning")
    out = _run("--admin", "tang.ning", "--existing-account", "--dry-run")
    assert (
        f"Platform admin: would grant tang.ning ({person.full_name}) platform_admin at "
        "310000 (上海市人民政府)." in out
    )
    assert "granted" not in out and "password" not in out
    assert not RoleAssignment.objects.filter(user=person, role=Role.PLATFORM_ADMIN).exists()


def test_an_existing_account_without_an_authenticator_is_told_of_two_factor_not_a_password():
    _load(EXAMPLE)
    make_user(username="tang.ning")
    out = _run("--admin", "tang.ning", "--existing-account")
    assert "Platform admin: granted tang.ning" in out
    assert "/account/2fa/" in out  # they set up an authenticator at their next login
    assert "Whoever logs in first with this password" not in out  # none was set


def test_the_command_needs_something_to_do():
    with pytest.raises(CommandError, match="Nothing to do"):
        _run()


def test_the_first_installation_guide_names_only_commands_that_exist():
    named = set(re.findall(r"manage\.py (\w+)", GUIDE.read_text(encoding="utf-8")))
    assert {"bootstrap_city", "migrate", "import_workdays"} <= named
    assert named <= set(get_commands())


def test_the_command_names_the_options_whose_details_are_wrong_in_english(monkeypatch):
    _load(EXAMPLE)
    monkeypatch.setattr(command.getpass, "getpass", _never)
    with pytest.raises(CommandError) as refused:
        _run("--admin", "bad name", "--id-number", "123")
    lines = str(refused.value).splitlines()
    assert lines[0] == "The platform admin's details have problems."
    assert [line.split(": ")[0] for line in lines[1:]] == [
        "--admin",
        "--full-name",
        "--id-number",
        "--email",
    ]
    assert "--full-name: Enter your full name." in lines  # English, not the site's Chinese
    assert (
        "--email: Give an email address: password reset links and lockout notices go there."
        in lines
    )
