"""The online breadth's tables in a real Chromium, on a wide screen and on a phone, in
both languages: a table wider than the screen scrolls sideways in its own region, which
the keyboard reaches (Tab), scrolls (arrow keys) and shows focused; the page itself does
not scroll sideways."""

from __future__ import annotations

import pytest

from onewindow.browser import axe_violations, switch_language, tab_reaches

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AUDIENCE = "div.table-scroll[aria-labelledby=audience-caption]"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.django_db(transaction=True)
def test_the_breadth_tables_scroll_in_regions_the_keyboard_reaches(page, catalog, language):
    page.goto("/services/breadth/")
    if language == "en":
        switch_language(page, "en")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert axe_violations(page) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    # On the phone the audience table is wider than the screen: its region scrolls, the
    # table inside it stays a table (display: table), so its caption and headers are kept.
    region = page.locator(AUDIENCE)
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert region.locator("table").evaluate("t => getComputedStyle(t).display") == "table"
    assert tab_reaches(page, "nav.breadcrumb a", AUDIENCE)
    assert region.evaluate("r => r.matches(':focus-visible')")
    assert region.evaluate("r => getComputedStyle(r).outlineStyle") == "solid"
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{AUDIENCE}').scrollLeft > 0")
