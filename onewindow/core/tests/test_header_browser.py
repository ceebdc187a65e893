"""The site header in a real Chromium: the language switch is one button, in a slim row
above the brand, that names the other language in that language; and the navigation of
the officer with the most items stays on one line beside the brand at 1280px, in both
languages, so the header stays low."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings

from onewindow.browser import axe_violations, switch_language, tab_reaches
from onewindow.cases.tests.test_browser import officer_page
from onewindow.conftest import make_user
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SWITCH = "[data-testid=language-switch]"
# Home, Services, Life events, My cases, Inbox, Time limits, Extensions, Officer
# workspace, Notifications (My account and Log out are in the row above).
MOST_NAV_ITEMS = 9

_HEADER_JS = """() => {
  const box = el => el.getBoundingClientRect();
  const row = document.querySelector('.header-row');
  const padding = parseFloat(getComputedStyle(row).paddingRight);
  return {
    height: box(document.querySelector('.site-header')).height,
    navTops: [...document.querySelectorAll('.site-nav li')].map(li => Math.round(box(li).top)),
    navRight: Math.max(...[...document.querySelectorAll('.site-nav li')].map(li => box(li).right)),
    brandTop: box(document.querySelector('.brand')).top,
    switchBottom: box(document.querySelector('.lang-switch')).bottom,
    switchRight: box(document.querySelector('.lang-switch button')).right,
    contentRight: box(row).right - padding,
    pageWidth: document.documentElement.scrollWidth,
  };
}"""


def header(page: Any) -> dict[str, Any]:
    measured: dict[str, Any] = page.evaluate(_HEADER_JS)
    return measured


def switch_name(page: Any) -> tuple[str, str | None]:
    """The visible name on the (only) switch button and its ``lang``."""
    shown = page.locator(SWITCH).locator("[lang]")
    return shown.inner_text(), shown.get_attribute("lang")


@pytest.mark.parametrize(
    ("language", "html_lang"), [("zh-hans", "zh-Hans"), ("en", "en")], ids=["zh", "en"]
)
@pytest.mark.parametrize("role", [Role.PLATFORM_ADMIN, Role.SUPERVISOR])
@pytest.mark.django_db(transaction=True)
def test_officer_nav_stays_on_one_line_at_1280(
    browser, live_server, city, role, language, html_lang
):
    officer = make_user(
        roles=[(role, Department.objects.get(code="310000-GA"))], with_totp=True, language=language
    )
    # An officer's usual day: unread notices, counted beside "Notifications".
    Notification.objects.bulk_create(
        Notification(recipient=officer, kind="task_warning", subject="s", body="b", dedupe_key=k)
        for k in map(str, range(12))
    )
    page = officer_page(browser, live_server, officer)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/officer/")
    assert page.locator("html").get_attribute("lang") == html_lang
    assert page.locator(".nav-count").is_visible()
    # The account's links sit in the row above, beside the language switch.
    account = page.get_by_role("navigation", name="Account" if language == "en" else "账户")
    assert account.get_by_role("link").count() == 1 and account.get_by_role("button").count() == 1

    measured = header(page)
    # A platform admin decides no extension: no link to them.
    items = MOST_NAV_ITEMS if role == Role.SUPERVISOR else MOST_NAV_ITEMS - 1
    assert len(measured["navTops"]) == items
    assert len(set(measured["navTops"])) == 1, measured  # one line
    assert measured["height"] <= 140, measured
    # The switch has a row of its own above the brand, at the right edge of the content,
    # and nothing sticks out of the page.
    assert measured["switchBottom"] <= measured["brandTop"], measured
    assert abs(measured["switchRight"] - measured["contentRight"]) <= 1, measured
    assert measured["navRight"] <= measured["contentRight"] + 1, measured
    assert measured["pageWidth"] <= 1280
    assert axe_violations(page, ".site-header") == []
    page.context.close()


@pytest.mark.parametrize("width", [375, 768, 1024])
@pytest.mark.django_db(transaction=True)
def test_header_fits_narrower_screens(browser, live_server, city, width):
    officer = make_user(
        roles=[(Role.SUPERVISOR, Department.objects.get(code="310000-GA"))],
        with_totp=True,
        language="en",
    )
    page = officer_page(browser, live_server, officer)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/officer/")
    measured = header(page)
    assert measured["pageWidth"] <= width
    assert measured["navRight"] <= measured["contentRight"] + 1, measured
    assert measured["switchBottom"] <= measured["brandTop"], measured
    assert page.locator(SWITCH).is_visible()
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_switch_names_the_other_language_and_keeps_the_page(page):
    page.goto("/login/?next=/account/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator(SWITCH).count() == 1
    assert switch_name(page) == ("English", "en")
    # What it does is read out in the page's language before the name.
    assert page.get_by_role("button", name=re.compile(r"^\S.* English$")).count() == 1
    form = page.locator("form.lang-switch")
    assert form.get_attribute("method") == "post"
    assert form.locator("input[name=language]").get_attribute("value") == "en"
    assert form.locator("input[name=next]").get_attribute("value") == "/login/?next=/account/"
    assert form.locator("input[name=csrfmiddlewaretoken]").count() == 1

    with page.expect_navigation():
        page.locator(SWITCH).click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/login/?next=/account/")
    assert switch_name(page) == ("简体中文", "zh-Hans")
    assert page.get_by_role("button", name="Switch language to 简体中文", exact=True).count() == 1

    # And back, with the helper the journeys use.
    switch_language(page, "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert switch_name(page) == ("English", "en")


@pytest.mark.django_db(transaction=True)
def test_switch_by_keyboard(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    before = page.locator(SWITCH).bounding_box()
    height = header(page)["height"]
    assert tab_reaches(page, ".skip-link", SWITCH)
    # The focus shows (yellow, as on the header's links) and moves nothing.
    assert page.locator(SWITCH).evaluate("b => getComputedStyle(b).backgroundColor") == (
        "rgb(255, 191, 71)"
    )
    assert page.locator(SWITCH).bounding_box() == before
    assert header(page)["height"] == height
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert switch_name(page) == ("简体中文", "zh-Hans")


@override_settings(
    LANGUAGES=[("zh-hans", "Simplified Chinese"), ("en", "English"), ("fr", "French")]
)
@pytest.mark.django_db
def test_a_third_language_gets_a_button_of_its_own():
    html = Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    offered = re.findall(r'<input name="language" type="hidden" value="([^"]+)">', html)
    assert offered == ["en", "fr"]
    assert '<span lang="fr">français</span>' in html
    assert html.count('data-testid="language-switch"') == 2
