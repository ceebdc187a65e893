"""The boxes tables scroll in ({% table_scroll %}) in a real Chromium, with site.js: a
box is a Tab stop, a region named by its caption or heading, only while its table is
wider than it, checked again as the window changes; without JavaScript every box is one."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.browser import axe_violations, tab_reaches
from onewindow.cases.tests.test_browser import log_in, officer_page
from onewindow.conftest import make_user
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROLES = "div.table-scroll:has(#roles-caption)"  # the officer's home: three short columns
MEMBERS = "div.table-scroll:has(> table[aria-labelledby=members-title])"  # five columns


def stop(page: Any, selector: str) -> dict[str, Any]:
    """What makes the box a Tab stop and a region, as the page has it now."""
    found: dict[str, Any] = page.locator(selector).evaluate(
        """box => ({tabIndex: box.tabIndex, role: box.getAttribute('role'),
                    name: box.getAttribute('aria-labelledby'),
                    overflows: box.scrollWidth > box.clientWidth})"""
    )
    return found


def is_stop(page: Any, selector: str, name: str) -> None:
    """Wait until the box is a named region that takes the focus: the script hears of
    a new size at the next frame after the window's change."""
    page.wait_for_function(
        "([selector, name]) => { const box = document.querySelector(selector);"
        " return box.tabIndex === 0 && box.getAttribute('role') === 'region'"
        " && box.getAttribute('aria-labelledby') === name; }",
        arg=[selector, name],
    )


def is_no_stop(page: Any, selector: str) -> None:
    """Wait until the box is neither a region nor a Tab stop (nor named: an element
    without a role may not be)."""
    page.wait_for_function(
        "selector => { const box = document.querySelector(selector);"
        " return !box.hasAttribute('tabindex') && !box.hasAttribute('role')"
        " && !box.hasAttribute('aria-labelledby'); }",
        arg=selector,
    )


@pytest.fixture
def admin(city):  # type: ignore[no-untyped-def]
    return make_user(roles=[(Role.DEPARTMENT_ADMIN, city["police"])], with_totp=True)


@pytest.mark.django_db(transaction=True)
def test_a_table_that_fits_is_no_tab_stop(browser, live_server, admin):
    page = officer_page(browser, live_server, admin)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/officer/")
    assert stop(page, ROLES) == {"tabIndex": -1, "role": None, "name": None, "overflows": False}
    # Tab goes from the header straight to the link in the table, past its box.
    assert tab_reaches(page, ".skip-link", f"{ROLES} a", limit=30)
    assert not tab_reaches(page, ".skip-link", ROLES, limit=30)
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_wider_table_is_a_region_the_arrow_keys_scroll_as_the_window_narrows(
    browser, live_server, city, admin
):
    page = officer_page(browser, live_server, admin)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/officer/departments/{city['police'].code}/")
    assert stop(page, MEMBERS)["overflows"] is False
    is_no_stop(page, MEMBERS)

    page.set_viewport_size({"width": 360, "height": 800})
    is_stop(page, MEMBERS, "members-title")
    assert stop(page, MEMBERS)["overflows"] is True
    assert axe_violations(page) == []
    assert tab_reaches(page, "nav.breadcrumb a", MEMBERS)
    assert page.locator(MEMBERS).evaluate("box => box.matches(':focus-visible')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{MEMBERS}').scrollLeft > 0")

    # Wide again (a tablet turned, a zoom taken back): one stop less once more.
    page.set_viewport_size({"width": 1280, "height": 800})
    is_no_stop(page, MEMBERS)
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_every_box_stays_a_stop(browser, live_server, admin):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, admin, officer=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/officer/")
    assert stop(page, ROLES) == {
        "tabIndex": 0,
        "role": "region",
        "name": "roles-caption",
        "overflows": False,
    }
    context.close()
