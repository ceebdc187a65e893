"""The officer's and the account's pages for screen reader users: a department named in
Chinese alone, and a person's Chinese name, are marked as Chinese on English pages
(``lang="zh-Hans"``), so that a screen reader reads them with a Chinese voice; a
Chinese page needs no marking."""

from __future__ import annotations

import lxml.html
import pytest

from onewindow.conftest import holder_logged_in, make_user
from onewindow.core.testing import chinese_in, on_english_page
from onewindow.identity.models import Department, RoleAssignment
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


@pytest.fixture
def admin(city):  # type: ignore[no-untyped-def]
    """The city's department admin, reading a city whose departments have no English
    names, with a window officer in 公安局."""
    Department.objects.update(name_en="")
    make_user(username="officer.zhang", roles=[(Role.WINDOW_OFFICER, city["police"])])
    return holder_logged_in(Role.DEPARTMENT_ADMIN, city["root"])


def page_of(admin, url: str, language: str) -> lxml.html.HtmlElement:  # type: ignore[no-untyped-def]
    client, _user = admin
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_workspace_marks_its_chinese(city, admin, language):
    page = page_of(admin, "/officer/", language)
    [welcome] = page.xpath("//h1/following-sibling::p[1]")
    assert chinese_in(welcome) == on_english_page(language, admin[1].full_name)
    [department] = page.xpath("//table//td[1]")
    assert chinese_in(department) == on_english_page(language, "市政府")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_departments_page_marks_its_chinese(city, admin, language):
    page = page_of(admin, "/officer/departments/310000/", language)
    [here] = page.xpath("//nav[@class='breadcrumb']/span[@aria-current='page']")
    assert chinese_in(here) == on_english_page(language, "市政府")
    assert chinese_in(page.xpath("//h1")[0]) == on_english_page(language, "市政府")
    [units] = page.xpath("//section[@aria-labelledby='units-title']")
    assert chinese_in(units) == on_english_page(language, "公安局", "市场监管局", "浦东新区")
    police = page_of(admin, "/officer/departments/310000-GA/", language)
    [member] = police.xpath("//table//tr[td]")
    name = RoleAssignment.objects.get(user__username="officer.zhang").user.full_name
    assert chinese_in(member.xpath("./td[1]")[0]) == on_english_page(language, name)
    # The revoke link and the reset-two-factor link name their officer for a screen reader.
    assert chinese_in(member.xpath("./td[last()]")[0]) == on_english_page(language, name, name)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_revoke_page_marks_its_chinese(city, admin, language):
    assignment = RoleAssignment.objects.get(user__username="officer.zhang")
    url = f"/officer/departments/310000-GA/roles/{assignment.pk}/revoke/"
    page = page_of(admin, url, language)
    [back] = page.xpath("//nav[@class='breadcrumb']/a[2]")
    assert chinese_in(back) == on_english_page(language, "公安局")
    [question] = page.xpath("//p[@class='lead']")
    assert chinese_in(question) == on_english_page(language, assignment.user.full_name, "公安局")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_account_page_marks_a_roles_chinese_department(city, language):
    client, _user = holder_logged_in(Role.WINDOW_OFFICER, city["police"])
    Department.objects.update(name_en="")
    client.cookies["django_language"] = language
    page = lxml.html.fromstring(client.get("/account/").content)
    [role] = page.xpath("//h3[following-sibling::ul]/following-sibling::ul[1]/li")
    assert chinese_in(role) == on_english_page(language, "公安局")
