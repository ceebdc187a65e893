"""The targeted accessibility checks the journeys use (onewindow.browser), on pages
made for them: each finds what it is meant to find, and nothing on a clean page."""

from __future__ import annotations

import pytest

from onewindow.browser import focus_lands_on, low_contrast, unreachable_scrollers

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGE = """<!DOCTYPE html><html lang="en"><body style="background: #fff">
<p id="black">Black on white</p>
<p id="grey" style="color: #999">Light grey on white (2.85:1)</p>
<h1 id="large" style="color: #949494; font-size: 32px">Large grey heading (3.03:1)</h1>
<div style="background: #1b5e20"><span id="dark" style="color: #2e7d32">Green on green</span></div>
<div style="background: rgba(0, 0, 0, 0.5)"><span id="blend" style="color: #777">Grey on
half-black over white</span></div>
<p id="hidden" hidden style="color: #eee">Hidden</p>
</body></html>"""


def test_low_contrast_finds_small_pale_text_and_blends_backgrounds(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(PAGE)
    found = {item["text"].split()[0]: item for item in low_contrast(page)}
    assert set(found) == {"Light", "Green", "Grey"}
    assert found["Light"]["ratio"] == 2.85
    assert found["Grey"]["background"] == "rgb(127.5, 127.5, 127.5)"
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


SCROLLERS = """<!DOCTYPE html><html lang="en"><body style="width: 300px">
<div id="bare" style="overflow-x: auto"><p style="width: 600px">A wide table of words</p></div>
<div id="region" tabindex="0" style="overflow-x: auto"><p style="width: 600px">Focusable</p></div>
<div id="linked" style="overflow-x: auto"><p style="width: 600px"><a href="#">A link</a></p></div>
<div id="fits" style="overflow-x: auto"><p>Short</p></div>
<div id="hidden" style="overflow: hidden"><p style="width: 600px">Clipped</p></div>
</body></html>"""


def test_unreachable_scrollers_finds_a_box_the_keyboard_cannot_scroll(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(SCROLLERS)
    # Not a box that takes the focus, holds a link, fits or does not scroll.
    assert unreachable_scrollers(page) == ["div#bare: A wide table of words"]
    context.close()
