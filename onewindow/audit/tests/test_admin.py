"""The audit trail in Django's admin, for superusers: its filter by action lists the
actions recorded without reading every event, and a page counts the trail once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onewindow.audit import queries
from onewindow.audit.models import AuditEvent
from onewindow.audit.services import record_event
from onewindow.conftest import holder_logged_in, make_user
from onewindow.identity.models import User
from onewindow.identity.roles import Role

EVENTS = "/django-admin/audit/auditevent/"


@pytest.fixture
def recorded(db: None) -> list[str]:
    actions = ["cases.case_submitted", "identity.login", "cases.case_decided"]
    for action in actions * 2:
        record_event(actor=None, action=action, target=("cases.case", "1"))
    return sorted(actions)


def test_the_actions_recorded_are_listed_once_each_in_order(recorded: list[str]) -> None:
    assert queries.actions_recorded() == recorded


def test_an_empty_trail_has_no_actions(db: None) -> None:
    assert queries.actions_recorded() == []


def test_the_list_filters_by_action_without_reading_every_event(
    recorded: list[str], city: dict
) -> None:
    client, user = holder_logged_in(Role.PLATFORM_ADMIN, city["root"], staff=True)
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    with CaptureQueriesContext(connection) as statements:
        page = client.get(EVENTS, {"action": "cases.case_decided"})
    assert page.status_code == 200
    shown = [row.action for row in page.context["cl"].result_list]
    assert shown == ["cases.case_decided"] * 2
    numbers = [row.seq for row in page.context["cl"].result_list]
    assert numbers == sorted(numbers, reverse=True)  # newest first
    body = page.content.decode()
    assert all(f"?action={action}" in body for action in recorded)  # the filter's choices
    trail = [q["sql"] for q in statements.captured_queries if '"audit_auditevent"' in q["sql"]]
    assert not [sql for sql in trail if "DISTINCT" in sql]
    assert len([sql for sql in trail if sql.startswith("SELECT COUNT(*)")]) == 1  # the list's


def test_the_whole_trail_is_counted_from_the_chains_head(recorded: list[str], city: dict) -> None:
    client, user = holder_logged_in(Role.PLATFORM_ADMIN, city["root"], staff=True)
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    with CaptureQueriesContext(connection) as statements:
        page = client.get(EVENTS)
    assert page.status_code == 200
    total = AuditEvent.objects.count()  # the logins above are in the trail too
    assert queries.events_recorded() == total > len(recorded)
    # The page counted the trail before its own reading was recorded, last.
    assert AuditEvent.objects.order_by("-seq").first().action == "audit.trail_read"
    assert page.context["cl"].result_count == total - 1
    trail = [q["sql"] for q in statements.captured_queries if '"audit_auditevent"' in q["sql"]]
    assert not [sql for sql in trail if sql.startswith("SELECT COUNT(*)")]


def test_an_empty_trail_counts_none(db: None) -> None:
    assert queries.events_recorded() == 0


@pytest.mark.parametrize(
    ("role", "where", "reads"),
    [
        (Role.PLATFORM_ADMIN, "root", True),
        (Role.SUPERVISOR, "root", True),
        (Role.SUPERVISOR, "police", False),  # a department's: not the city's trail
        (Role.DEPARTMENT_ADMIN, "police", False),
        (Role.WINDOW_OFFICER, "police", False),
    ],
)
def test_who_reads_the_trail_and_that_reading_it_is_recorded(
    recorded: list[str], city: dict, role: Role, where: str, reads: bool
) -> None:
    """Not by Django's model permissions, which nobody is given: by role."""
    client, user = holder_logged_in(role, city[where], staff=True)
    page = client.get(EVENTS, {"action": "identity.login"})
    assert page.status_code == (200 if reads else 403)
    read = AuditEvent.objects.filter(action="audit.trail_read", actor_id=user.pk)
    if reads:
        [event] = read
        assert event.detail == {"query": {"action": "identity.login"}}
        one = AuditEvent.objects.filter(action="cases.case_submitted").first()
        assert client.get(f"{EVENTS}{one.pk}/change/").status_code == 200
        assert read.all().count() == 2  # a fresh count: the list above is cached
    else:
        assert not read.exists()


@pytest.mark.parametrize(("where", "enters"), [("root", True), ("police", False)])
def test_the_citys_trail_readers_enter_the_admin_site_without_being_staff(
    recorded: list[str], city: dict, where: str, enters: bool
) -> None:
    """The site lets in the trail's readers as well as staff, and shows them the trail
    alone: nothing else there is theirs."""
    client, user = holder_logged_in(Role.SUPERVISOR, city[where])
    assert not user.is_staff
    index = client.get("/django-admin/")
    if not enters:
        assert index.status_code == 302
        assert index["Location"].startswith("/django-admin/login/")
        assert client.get(index["Location"]).status_code == 403  # no form to try again
        assert client.get(EVENTS).status_code == 302
        return
    assert index.status_code == 200
    apps = [app["app_label"] for app in index.context["app_list"]]
    assert apps == ["audit"]
    trail = client.get(EVENTS)
    assert trail.status_code == 200
    # The site's own base_site.html: Django's, with the style sheet that underlines the
    # breadcrumb links (white beside light blue, 1.4:1, by colour alone: an axe finding).
    page = trail.content.decode()
    assert '<link rel="stylesheet" href="/static/onewindow/admin.css">' in page
    assert '<div class="breadcrumbs">' in page
    assert client.get("/django-admin/workdays/workdayoverride/").status_code == 403


def test_the_admin_site_signs_people_in_at_the_sites_own_login(db: None) -> None:
    """With its lockout and second factor; the way back is kept."""
    response = Client().get("/django-admin/")
    assert response.status_code == 302
    login = Client().get(response["Location"])
    assert login.status_code == 302
    assert login["Location"] == "/login/?next=/django-admin/"
    deep = Client().get(f"/django-admin/login/?next={EVENTS}")
    assert deep["Location"] == f"/login/?next={EVENTS}"


def test_a_search_for_a_user_name_finds_the_actors_events(city: dict) -> None:
    """The list shows an actor's display name; their user name finds them too, whole
    and in any case, alone or with other words; a part of one matches no user."""
    client, _reader = holder_logged_in(Role.SUPERVISOR, city["root"])
    someone, other = make_user(username="ga.admin"), make_user(username="ga.admin2")
    for user, name in [(someone, "高安"), (other, "高安二")]:
        User.objects.filter(pk=user.pk).update(full_name=name)
        user.refresh_from_db()
    record_event(actor=someone, action="identity.role_granted", target=("identity.user", "7"))
    record_event(actor=someone, action="cases.case_decided", target=("cases.case", "1"))
    # A target id no other event of the test has (on PostgreSQL ids keep growing, and
    # the holder's own role grant named a user id holding an "8").
    record_event(actor=other, action="identity.role_granted", target=("identity.user", "987654"))

    def found(term: str) -> list[tuple[int | None, str]]:
        page = client.get(EVENTS, {"q": term})
        assert page.status_code == 200
        ours = ("identity.role_granted", "cases.case_decided")
        rows = page.context["cl"].result_list
        return [(row.actor_id, row.action) for row in rows if row.action in ours]

    assert found("ga.admin") == [
        (someone.pk, "cases.case_decided"),
        (someone.pk, "identity.role_granted"),
    ]
    assert found("GA.Admin role_granted") == [(someone.pk, "identity.role_granted")]
    assert found("ga.adm") == []  # no user's name, no display name, action or target
    # The display name still finds its events, the target's id its own.
    assert found("高安二") == [(other.pk, "identity.role_granted")]
    assert found('"987654" role') == [(other.pk, "identity.role_granted")]


def test_times_show_to_the_second_in_the_sites_time_zone(city: dict) -> None:
    client, _reader = holder_logged_in(Role.SUPERVISOR, city["root"])
    moment = datetime(2026, 3, 10, 1, 2, 3, tzinfo=UTC)  # 09:02:03 in Shanghai
    with time_machine.travel(moment, tick=False):
        event = record_event(actor=None, action="identity.login", target=("identity.user", "1"))
    listed = client.get(EVENTS, {"q": "identity.login"}).content.decode()
    assert '<time datetime="2026-03-10T09:02:03+08:00">' in listed
    shown = client.get(f"{EVENTS}{event.pk}/change/").content.decode()
    assert "2026-03-10" in shown and "09:02:03" in shown


@pytest.mark.parametrize(("language", "heading"), [("en", "result"), ("zh-hans", "结果")])
def test_the_result_comes_before_the_wide_columns(city: dict, language: str, heading: str) -> None:
    """At 1280px the result was off-screen, seventh of seven columns
    (test_admin_browser measures it)."""
    client, _reader = holder_logged_in(Role.SUPERVISOR, city["root"])
    client.cookies["django_language"] = language
    page = client.get(EVENTS)
    headings = [str(column["text"]) for column in page.context["result_headers"]]
    assert len(headings) == 6
    assert headings.index(heading) == 2
    assert headings[-1] in {"target", "对象"}


def test_a_records_name_gives_its_result_in_the_readers_language(db: None) -> None:
    from django.utils import translation

    event = record_event(actor=None, action="identity.account_created")
    with translation.override("zh-hans"):
        chinese = str(event)
    with translation.override("en"):
        english = str(event)
    assert english == f"#{event.seq} identity.account_created success"
    assert chinese == f"#{event.seq} identity.account_created 成功"
