"""The accessibility checks the journeys use (onewindow.browser), on pages made for
them: each finds what it is meant to find, and nothing on a clean page."""

from __future__ import annotations

import pytest

from onewindow.browser import axe_violations, focus_lands_on

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CLEAN = """<!DOCTYPE html><html lang="en"><head><title>Clean</title></head><body>
<header><p>Site</p></header>
<main><h1>A clean page</h1><label for="name">Name</label><input id="name"></main>
</body></html>"""

FAULTY = """<!DOCTYPE html><html lang="en"><head><title>Faulty</title></head><body>
<main><h1>A faulty page</h1>
<p id="grey" style="color: #999">Light grey on white (2.84:1)</p>
<h2 id="large" style="color: #949494; font-size: 32px">Large grey heading (3.03:1)</h2>
<div style="background: #1b5e20"><span id="dark" style="color: #2e7d32">Green on green</span></div>
<input id="nameless">
<img id="wordless" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<div id="bare" style="overflow-x: auto; width: 300px"><p style="white-space: nowrap">A wide
table of many words, whose end lies beyond the edge of its box</p></div>
</main>
<p id="astray">Outside every landmark</p>
</body></html>"""


def test_axe_finds_nothing_on_a_clean_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(CLEAN)
    assert axe_violations(page) == []
    context.close()


def test_axe_names_each_rule_and_element_and_what_to_fix(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(FAULTY)
    found = axe_violations(page)
    rules = sorted(line.split(" — ")[0] for line in found)
    # Large text at 3.03:1 passes (3:1 is its threshold); pale small text and green on
    # green fail; a field without a label, an image without words, a box the keyboard
    # cannot scroll, text outside the landmarks.
    assert rules == [
        "color-contrast: #dark",
        "color-contrast: #grey",
        "image-alt: #wordless",
        "label: #nameless",
        "region: #astray",
        "scrollable-region-focusable: #bare",
    ]
    grey = next(line for line in found if line.startswith("color-contrast: #grey"))
    assert "contrast of 2.84" in grey and "Expected contrast ratio of 4.5:1" in grey
    # Narrowed to an element, or to one rule.
    assert axe_violations(page, "#bare") == [
        found[rules.index("scrollable-region-focusable: #bare")]
    ]
    assert [line.split(" — ")[0] for line in axe_violations(page, rules=["label"])] == [
        "label: #nameless"
    ]
    context.close()


LATE_FOCUS = """<!DOCTYPE html><html lang="en"><body>
<div class="error-summary" tabindex="-1">There is a problem</div>
<label for="name">Name</label><input id="name">
</body></html>"""


def test_focus_lands_on_waits_for_a_late_focus_and_reports_one_that_never_comes(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(LATE_FOCUS)
    assert not page.evaluate("document.activeElement.matches('.error-summary')")
    # The summary takes the focus a moment later, as a late autofocus would; the field
    # never does.
    page.evaluate("setTimeout(() => document.querySelector('.error-summary').focus(), 300)")
    assert focus_lands_on(page, ".error-summary")
    assert not focus_lands_on(page, "#name", timeout_ms=200)
    context.close()
