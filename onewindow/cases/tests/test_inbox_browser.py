"""A long inbox in a real Chromium: a page at a time, paged with the keyboard, its
filter kept; after filtering (or claiming from a filtered list) the focus is on what was
found, not back at the top of the page."""

from __future__ import annotations

import pytest

from onewindow.browser import axe_violations, focus_lands_on, switch_language, tab_reaches
from onewindow.cases import officer_views
from onewindow.cases.tests.conftest import PASSPORT, submit
from onewindow.cases.tests.test_browser import officer_page
from onewindow.conftest import make_user
from onewindow.identity.models import Department
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def window_desk(browser, live_server):
    """The inbox's reader: a window officer of 公安 (310000-GA), logged in."""
    window = make_user(
        roles=[(Role.WINDOW_OFFICER, Department.objects.get(code="310000-GA"))], with_totp=True
    )
    return officer_page(browser, live_server, window)


@pytest.mark.django_db(transaction=True)
def test_the_inbox_pages_from_the_keyboard(browser, live_server, world, monkeypatch):
    monkeypatch.setattr(officer_views, "INBOX_PAGE_SIZE", 2)
    numbers = [submit(world["citizen.wang"], PASSPORT).number for _ in range(3)]
    desk = window_desk(browser, live_server)
    desk.goto(f"/cases/inbox/?service={PASSPORT}")
    table = desk.locator("table.inbox")
    caption = table.locator("caption").inner_text()
    assert "3 项待办任务" in caption and "第 1–2 项，共 3 项" in caption
    assert table.locator("tbody tr").count() == 2
    assert desk.locator("nav.pagination").get_attribute("aria-label") == "分页"
    assert axe_violations(desk) == []
    last_claim = "table.inbox tbody tr:last-child button"
    assert tab_reaches(desk, last_claim, "nav.pagination a[rel=next]")
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    assert desk.url.endswith(f"/cases/inbox/?service={PASSPORT}&page=2")
    assert table.locator("tbody tr").count() == 1
    assert numbers[2] in table.locator("tbody").inner_text()
    desk.context.close()


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_inbox_reads_as_cards_and_nothing_scrolls_sideways(
    browser, live_server, world
):
    submit(world["citizen.wang"], PASSPORT)
    desk = window_desk(browser, live_server)
    desk.set_viewport_size({"width": 375, "height": 800})
    desk.goto("/cases/inbox/")
    table = desk.locator("table.inbox")
    # Each task a card of labelled lines: the table fits the screen, as My cases does.
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth")
    row = desk.locator("table.inbox tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    # Nothing in it (the claim button's hidden label included) widens the page (WCAG 1.4.10).
    assert desk.evaluate("document.documentElement.scrollWidth") <= 375
    # The filters stack, each the screen's width; on a wide screen they share a line.
    # (The four lists, the order's included; the "claimed by me" box, lower, follows them.)
    lists = ".inbox-filter .field:has(select)"
    tops = desk.locator(lists).evaluate_all(
        "fields => fields.map(f => Math.round(f.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 4
    desk.set_viewport_size({"width": 1280, "height": 800})
    tops = desk.locator(lists).evaluate_all(
        "fields => fields.map(f => Math.round(f.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1
    # The "claimed by me" box beside its label, not above it (the forms' stylesheet,
    # which placed them, was not on this page).
    box, label = (desk.locator(f"#id_mine{part}").bounding_box() for part in ("", " + label"))
    assert box is not None and label is not None
    assert label["x"] > box["x"] + box["width"] and abs(label["y"] - box["y"]) < box["height"]
    # A case number and a date on one line each, where the table has room.
    one_line = "e => e.getClientRects().length === 1"
    assert row.locator("th .mono").evaluate(one_line)
    assert row.locator("time .date").evaluate(one_line)
    desk.context.close()


@pytest.mark.django_db(transaction=True)
def test_on_a_tablet_the_inbox_is_cards_and_never_widens_the_page(browser, live_server, world):
    """In English, at tablet widths, the inbox's eight columns needed more than the page
    had (QA: at 768 px the page scrolled sideways by 142 px): below 64em each task is a
    card, as on a phone. Wider, the table is in a box of its own, which scrolls (and the
    keyboard reaches) only if the table ever needs more than it has (larger text)."""
    submit(world["citizen.wang"], PASSPORT)
    desk = window_desk(browser, live_server)
    desk.goto("/cases/inbox/")
    switch_language(desk, "en")
    box = desk.locator(".table-scroll:has(table.inbox)")
    row = desk.locator("table.inbox tbody tr").first
    for width, cards in ((375, True), (768, True), (1000, True), (1024, False), (1280, False)):
        desk.set_viewport_size({"width": width, "height": 800})
        desk.goto("/cases/inbox/")
        assert desk.evaluate("document.documentElement.scrollWidth") <= width, width
        assert (row.evaluate("r => getComputedStyle(r).display") == "block") == cards, width
        overflows = box.evaluate("b => b.scrollWidth > b.clientWidth")
        assert (box.get_attribute("tabindex") == "0") == overflows, width
    # Text at twice its size (WCAG 1.4.4): the table needs more than the page has, and
    # scrolls in its box, which becomes a named stop for the keyboard.
    desk.evaluate("document.documentElement.style.fontSize = '200%'")
    desk.wait_for_function("() => document.querySelector('.table-scroll').tabIndex === 0")
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1280
    assert box.get_attribute("role") == "region"
    assert box.get_attribute("aria-labelledby") == "inbox-caption"
    desk.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_filtered_inbox_says_what_it_found_where_the_focus_is(browser, live_server, world):
    for _ in range(2):
        submit(world["citizen.wang"], PASSPORT)
    page = window_desk(browser, live_server)
    page.goto("/cases/inbox/")
    assert page.locator("#inbox-results").count() == 0  # the whole inbox: nothing to announce
    page.select_option("#id_service", PASSPORT)
    page.get_by_role("button", name="筛选").click()
    assert focus_lands_on(page, "#inbox-results")
    assert page.locator("#inbox-results").inner_text() == "2 件待办任务符合筛选条件。"
    # Claiming one comes back to the same filtered list, the focus again on the count.
    page.locator("table.inbox button", has_text="签收").first.click()
    assert focus_lands_on(page, "#inbox-results")
    page.select_option("#id_deadline", "overdue")
    page.get_by_role("button", name="筛选").click()
    assert focus_lands_on(page, "#inbox-results")
    assert page.locator("#inbox-results").inner_text() == "没有符合筛选条件的待办任务。"
