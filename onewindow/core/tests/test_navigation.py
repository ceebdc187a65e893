"""Which item of the header's main navigation marks the page as current
(``context_processors.site``'s ``nav_current``, read by base.html): "My cases" on the
applicant's own pages only, "Inbox" on an officer's task pages."""

from __future__ import annotations

import re

import pytest
from django.urls import resolve

from onewindow.cases.tests.conftest import world, world_snapshot  # noqa: F401
from onewindow.cases.tests.timekit import accepted_passport, at, signed_in, travel
from onewindow.core.context_processors import nav_current
from onewindow.identity.models import User

MOMENT = at("2026-03-03", 10)


def current(response) -> list[str]:
    """The addresses of the main navigation's links marked as the current page."""
    html = response.content.decode()
    nav = re.search(r'<nav class="site-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav.group(1))


@pytest.fixture
def case(world: dict[str, User]):  # noqa: F811
    case, review = accepted_passport(world, at("2026-03-02", 10))
    return case, review


@pytest.mark.parametrize("who", ["ga.review", "supervisor"])
def test_an_officer_reading_a_case_is_not_on_my_cases(world, case, who):  # noqa: F811
    number, _review = case[0].number, case[1]
    with travel(MOMENT):
        page = signed_in(world[who]).get(f"/cases/{number}/")
    assert page.status_code == 200
    assert current(page) == []


def test_the_task_page_is_the_inboxs(world, case):  # noqa: F811
    _case, review = case
    with travel(MOMENT):
        client = signed_in(world["ga.review"])
        page = client.get(f"/cases/tasks/{review.pk}/")
        assert page.status_code == 200
        assert current(page) == ["/cases/inbox/"]
        assert current(client.get("/cases/inbox/")) == ["/cases/inbox/"]


def test_a_refused_request_on_the_task_page_is_still_the_inboxs(world, case):  # noqa: F811
    """A refused extension or supplement request shows the task page again, at the
    form's address."""
    _case, review = case
    with travel(MOMENT):
        client = signed_in(world["ga.review"])
        client.post(f"/cases/tasks/{review.pk}/claim/")
        page = client.post(f"/cases/tasks/{review.pk}/extension/", {"days": "", "reason": ""})
        assert page.status_code in (200, 422)
        assert "aria-current" in page.content.decode()
        assert current(page) == ["/cases/inbox/"]


def test_the_applicants_own_pages_are_my_cases(world, case):  # noqa: F811
    number = case[0].number
    with travel(MOMENT):
        client = signed_in(world["citizen.wang"])
        for address in ["/cases/", f"/cases/{number}/", f"/cases/{number}/receipt/"]:
            page = client.get(address)
            assert page.status_code == 200, address
            assert current(page) == ["/cases/"], address


def test_the_other_items_are_current_on_their_pages(world):  # noqa: F811
    with travel(MOMENT):
        client = signed_in(world["supervisor"])
        expected = {
            "/": "/",
            "/services/": "/services/",
            "/services/events/": "/services/events/",
            "/supervision/time-limits/": "/supervision/time-limits/",
            "/cases/extensions/": "/cases/extensions/",
            "/officer/": "/officer/",
            "/notifications/": "/notifications/",
        }
        for address, item in expected.items():
            page = client.get(address)
            assert page.status_code == 200, address
            assert current(page) == [item], address


@pytest.mark.parametrize(
    ("address", "item"),
    [
        ("/cases/events/newborn/apply/", "events"),  # as a service's application
        ("/services/items/310000-GA-XK-0001/apply/", "services"),
        ("/cases/310000-GA-20260302-0001/", "case"),
        ("/cases/310000-GA-20260302-0001/supplement/", "my_cases"),
        ("/cases/tasks/1/supplement/", "inbox"),
        ("/account/", ""),
    ],
)
def test_each_address_belongs_to_one_item(address: str, item: str) -> None:
    assert nav_current(resolve(address)) == item
