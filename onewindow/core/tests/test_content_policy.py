"""The Content Security Policy (settings.CONTENT_SECURITY_POLICY, django-csp) on every
page, and the pages that draw with JavaScript working under it in a real Chromium."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from onewindow.browser import policy_violations


def directives(header: str) -> dict[str, list[str]]:
    found = {}
    for part in header.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login/", "/services/breadth/", "/api/v1/docs"])
def test_pages_run_only_the_sites_own_scripts(path):
    response = Client().get(path)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no inline script, no other origin
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_the_api_documentation_draws_under_the_policy(page):
    page.goto("/api/v1/docs")
    page.locator(".opblock-summary").first.wait_for()
    assert page.locator(".opblock-summary-path", has_text="/api/v1/cases").count() >= 1


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_an_inline_script_is_refused_and_reported(browser, live_server):
    """What the ``browser`` fixture counts on: Chromium refuses and reports it."""
    context = browser.new_unwatched_context(base_url=live_server.url)
    refused = policy_violations(context)
    page = context.new_page()
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    page.wait_for_timeout(100)
    ran = page.evaluate("() => window.ran === true")
    context.close()
    assert not ran
    assert refused and "script-src" in refused[0]


# A script element without a source that is not data (json_script's is).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)")


def test_no_template_holds_a_style_element_or_an_inline_script():
    """What the policy refuses, found in the source before a browser meets it: styles
    and scripts live in static files."""
    from pathlib import Path

    from django.conf import settings

    templates = Path(settings.BASE_DIR) / "onewindow" / "templates"
    found = []
    for path in sorted(templates.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        if "<style" in source or re.search(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", source
        ):
            found.append(str(path.relative_to(templates)))
    assert found == []
