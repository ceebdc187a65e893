"""Factories and fixtures for every app's tests. Factories take keyword-only arguments."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import trans_real
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric, uscc

from onewindow.core import health
from onewindow.identity import services
from onewindow.identity.models import Department, DepartmentKind, User
from onewindow.identity.roles import Role
from onewindow.workdays import calendar as working_calendar

PASSWORD = "correct-horse-battery-9"
# How long a live-server test waits at its end for the server's connections to end (a
# request left running finishes within a second or two, even under a loaded CI).
LIVE_SERVER_SETTLES_SECONDS = 15
_serial = itertools.count(1)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def make_id_number(*, region: str = "310101", birth: str = "19900307") -> str:
    body = f"{region}{birth}{next(_serial) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc() -> str:
    body = f"91310000MA1K{next(_serial):05d}"
    return body + uscc.calc_check_digit(body)


def make_department(
    *,
    code: str,
    name: str = "",
    parent: Department | None = None,
    kind: str = DepartmentKind.BUREAU,
) -> Department:
    return Department.objects.create(
        code=code,
        name=name or f"部门{code}",
        name_en=f"Department {code}",
        kind=kind,
        parent=parent,
    )


def make_user(
    *,
    username: str | None = None,
    roles: Iterable[tuple[str, Department | None]] = (),
    id_number: str | None = "auto",
    with_totp: bool = False,
    email: str = "",
    language: str = "zh-hans",
) -> User:
    username = username or f"user{next(_serial)}"
    user = services.create_person(
        username=username,
        password=PASSWORD,
        full_name=f"测试{username}",
        id_number=make_id_number() if id_number == "auto" else id_number,
        email=email,
        roles=list(roles) or None,
    )
    if language != "zh-hans":
        User.objects.filter(pk=user.pk).update(preferred_language=language)
        user.refresh_from_db()
    if with_totp:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def run_all(threads: list[threading.Thread]) -> None:
    """Race the threads on PostgreSQL; SQLite's shared in-memory test database cannot
    hold two writers at once, so there they run one after the other."""
    concurrent = connection.vendor == "postgresql"
    for thread in threads:
        thread.start()
        if not concurrent:
            thread.join()
    for thread in threads:
        thread.join()


def otp_for(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


@pytest.fixture(autouse=True)
def _default_language() -> None:
    # A request through the test client activates its language in this thread and leaves
    # it active; a later test reading lazy strings outside a request would get it.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_working_calendar() -> None:
    # The calendar is cached per process; one built in an earlier test would carry that
    # test's overrides into this one, whose database has been rolled back.
    working_calendar.forget()


@pytest.fixture(autouse=True)
def _fresh_health_checks() -> None:
    # What /healthz found is kept per process for a while; an earlier test's finding
    # (another database, another clock) is not this one's.
    health.forget_checks()


@pytest.fixture
def city(db: None) -> dict[str, Department]:
    """A small city: root, two bureaus, a district with a street and a district bureau."""
    root = make_department(code="310000", name="市政府", kind=DepartmentKind.CITY)
    police = make_department(code="310000-GA", name="公安局", parent=root)
    market = make_department(code="310000-SJ", name="市场监管局", parent=root)
    pudong = make_department(
        code="310115", name="浦东新区", parent=root, kind=DepartmentKind.DISTRICT
    )
    street = make_department(
        code="310115004", name="陆家嘴街道", parent=pudong, kind=DepartmentKind.STREET
    )
    pd_market = make_department(
        code="310115-SJ",
        name="浦东新区市场监管局",
        parent=pudong,
        kind=DepartmentKind.DISTRICT_BUREAU,
    )
    return {
        "root": root,
        "police": police,
        "market": market,
        "pudong": pudong,
        "street": street,
        "pd_market": pd_market,
    }


@pytest.fixture
def citizen(db: None) -> User:
    return make_user(username="citizen.a", email="citizen.a@example.invalid")


def holder_logged_in(
    role: str, department: Department | None, *, staff: bool = False
) -> tuple[Client, User]:
    """A client of a new holder of ``role`` in ``department``, logged in past the second
    factor; with ``staff``, one who may open Django's admin too."""
    user = make_user(roles=[(role, department)], with_totp=True)
    if staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.post("/account/2fa/", {"otp": otp_for(user)})
    assert response.status_code == 302, response.content
    return client, user


@pytest.fixture
def officer_logged_in(city: dict[str, Department]):  # type: ignore[no-untyped-def]
    """A client logged in as a verified window officer of the police bureau."""

    def login(role: str = Role.WINDOW_OFFICER, department: str = "police") -> tuple[Client, User]:
        return holder_logged_in(role, city[department])

    return login


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from onewindow.browser import launch_browser, watching_policy

    for launched in launch_browser(in_ci()):
        refused = watching_policy(launched)
        yield launched
        # Every page a module's browser tests opened works under the site's Content
        # Security Policy (a test that provokes a refusal watches its own context).
        assert not refused, refused


@pytest.fixture(autouse=True)
def _live_server_settles(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test on the live server ends with its browser's contexts closed and the
    server's connections ended, before its database is flushed (``ServerConnections``
    says why). Set up after pytest-django's own autouse helper, which asks for the
    flushing ``transactional_db``: torn down before it. A context is therefore a test's
    own: one kept for several tests would be closed at the first one's end."""
    if "live_server" not in request.fixturenames:
        yield
        return
    from onewindow.browser import close_contexts, server_connections

    connections = server_connections(request.getfixturevalue("live_server"))
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    yield
    if browser is not None:
        close_contexts(browser)
    assert connections.wait_until_idle(timeout=LIVE_SERVER_SETTLES_SECONDS), (
        "the live server still serves a connection the test left open"
    )


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def capture_queries() -> Callable[[], CaptureQueriesContext]:
    """``with capture_queries() as seen:`` the statements a block sends, for a test that
    counts or reads them by hand. Asked for as a fixture, not imported, so that such a
    test in a ``single_pass`` module still runs on PostgreSQL too (``_on_every_database``)."""
    return lambda: CaptureQueriesContext(connection)


@contextmanager
def proposed_chinese(proposed: Mapping[Any, str]) -> Iterator[None]:
    """The Chinese catalogue with ``proposed`` texts over what it carries: an app's new
    messages checked in Chinese (their full-width punctuation above all) before the
    .po file has them. Keys as gettext stores them (``context\x04msgid``; a plural's
    ``(singular, plural)``, Chinese having one form). Everything is put back after."""
    top = trans_real.translation("zh-hans")._catalog._catalogs[0]  # type: ignore[attr-defined]
    saved: dict[Any, Any] = {}
    missing = object()
    for msgid, text in proposed.items():
        key: Any = (msgid[0], 0) if isinstance(msgid, tuple) else msgid
        saved[key] = top.get(key, missing)
        top[key] = text
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is missing:
                top.pop(key, None)
            else:
                top[key] = value


# The database fixtures pytest-django gives; a test that asks for none (itself or through
# its fixtures) never reaches a database.
_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences"})
# What a test counting a page's queries asks for: such a test runs on both databases.
_QUERY_COUNTING_FIXTURES = frozenset(
    {"django_assert_num_queries", "django_assert_max_num_queries", "capture_queries"}
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``ONEWINDOW_DATABASE_TESTS_ONLY=1`` (the PostgreSQL pass of ``make test``),
    only the tests whose outcome can depend on the database:

    - not those that reach none (validators, the sandbox, parsers): they ran in the
      SQLite pass and would run the same again, which a pass on another database exists
      to avoid;
    - not the page and API tests (``single_pass``), unless they count the queries
      (``django_assert_*num_queries`` or ``capture_queries``) or are marked
      ``every_database`` (one about PostgreSQL itself, which skips on SQLite): a page
      or an API operation reads and writes through the queries and services whose own
      tests run on both databases, and what its tests check is the HTML or JSON it
      answers with, the statuses, the field errors and who may call it. A test that
      races requests on PostgreSQL asks for ``transactional_db`` and runs on both.
    """
    if os.environ.get("ONEWINDOW_DATABASE_TESTS_ONLY") != "1":
        return
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        (kept if _on_every_database(item) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _on_every_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    if not (fixtures & _DATABASE_FIXTURES or item.get_closest_marker("django_db")):
        return False
    if not item.get_closest_marker("single_pass") or item.get_closest_marker("every_database"):
        return True
    database = item.get_closest_marker("django_db")
    racing = "transactional_db" in fixtures or bool(database and database.kwargs.get("transaction"))
    return racing or bool(fixtures & _QUERY_COUNTING_FIXTURES)
