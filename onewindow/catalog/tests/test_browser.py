"""A person looks for a service in a real Chromium: search from the home page, open
the first result's guide, follow it to its life event; in Chinese, then in English."""

from __future__ import annotations

import pytest

from onewindow.browser import switch_language

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def search_from_home(page, words: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_role("searchbox", name=page.locator("label[for=home-q]").inner_text())
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")


@pytest.mark.parametrize(
    ("language", "words", "results_heading", "event_name", "html_lang"),
    [
        ("zh-hans", "生孩子", "生孩子", "新生儿出生一件事", "zh-Hans"),
        ("en", "newborn", "Search results for “newborn”", "Having a baby", "en"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_search_guide_and_life_event(
    page, catalog, tmp_path, language, words, results_heading, event_name, html_lang
):
    page.goto("/")
    if language == "en":
        switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == html_lang
    search_from_home(page, words)

    assert "/services/search/" in page.url
    assert results_heading in page.locator("h1").inner_text()
    first = page.locator(".result-title a").first
    service_name = first.inner_text()
    assert service_name
    first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "/services/items/" in page.url
    assert page.locator("h1").inner_text() == service_name
    assert page.locator("table.materials caption").count() == 1
    page.screenshot(path=str(tmp_path / f"guide-{language}.png"), full_page=True)
    with page.expect_navigation():
        page.locator("#events").get_by_role("link", name=event_name).click()

    assert page.url.endswith("/services/events/newborn/")
    assert page.locator("h1").inner_text() == event_name
    steps = page.locator("ol.steps > li")
    assert steps.count() == 3
    assert any(service_name in step for step in steps.all_inner_texts())


@pytest.mark.django_db(transaction=True)
def test_facets_work_from_the_keyboard(page, catalog):
    page.goto("/services/search/?q=登记")
    total = page.locator(".result").count()
    link = page.locator("#filters").get_by_role("link", name="法人")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "audience=company" in page.url
    assert 0 < page.locator(".result").count() < total
    assert page.locator("#filters a[aria-current=true]").count() == 1
