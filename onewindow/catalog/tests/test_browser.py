"""A person looks for a service in a real Chromium: search from the home page, open
the first result's guide, follow it to its life event; in Chinese, then in English."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from onewindow.conftest import in_ci

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
CHROMIUM = "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# test itself (the seed) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        if in_ci():
            pytest.fail("Chromium is required under CI (make test installs it)")
        pytest.skip("Chromium is not installed: run `make browser-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def switch_language(page, code: str) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.locator(".lang-switch button[type=submit]").press("Enter")


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
