"""A task page on a phone in a real Chromium, in both languages: the table of who held
the case, wider than the screen, scrolls sideways in a region the keyboard reaches, and
nothing else on the page scrolls without it."""

from __future__ import annotations

import pytest

from onewindow.browser import switch_language, unreachable_scrollers
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.test_browser import officer_page
from onewindow.cases.tests.timekit import decide
from onewindow.conftest import make_user
from onewindow.identity.models import Department
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HOLDINGS = "div.table-scroll[aria-labelledby=holdings-caption]"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.django_db(transaction=True)
def test_who_held_the_case_scrolls_in_a_region_on_a_phone(browser, live_server, world, language):
    case = submit(world["citizen.wang"], PASSPORT)
    decide(world["ga.window"], open_task(case, "Task_accept"), "accept")
    review = open_task(case, "Task_review")
    reviewer = make_user(
        roles=[(Role.REVIEWING_OFFICER, Department.objects.get(code="310000-GA"))], with_totp=True
    )
    page = officer_page(browser, live_server, reviewer)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/cases/tasks/{review.pk}/")
    if language == "en":
        switch_language(page, "en")
    region = page.locator(HOLDINGS)
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert unreachable_scrollers(page) == []
    page.context.close()
