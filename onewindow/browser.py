"""Shared pieces of the browser tests (Playwright driving Debian's Chromium).

Fixtures ``browser`` and ``page`` are provided to every test package by the root
conftest; helpers here are the steps several journeys share.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_browser(in_ci: bool) -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        if in_ci:
            pytest.fail("Chromium is required under CI (make test installs it)")
        pytest.skip("Chromium is not installed: run `make browser-deps`")
    # Playwright's sync API runs an event loop in the test thread; the ORM calls the
    # tests make themselves (factories, seeds) are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def switch_language(page: Any, code: str) -> None:
    """Use the header's language switch, as a person would, with the keyboard."""
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.locator(".lang-switch button[type=submit]").press("Enter")
