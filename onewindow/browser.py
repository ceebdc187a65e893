"""Shared pieces of the browser tests (Playwright driving Debian's Chromium).

Fixtures ``browser`` and ``page`` are provided to every test package by the root
conftest; helpers here are the steps several journeys share, and targeted
accessibility checks (contrast, labels, Tab order, Chinese left on English pages).
Those stand in for axe-core, which would be a new npm development dependency loaded
from node_modules into each page; the journeys need only these few rules, and each
check is tested on a page made for it (core/tests/test_browser_checks.py).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Iterator
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


def policy_violations(context: Any, seen: list[str] | None = None) -> list[str]:
    """The Content Security Policy refusals Chromium reports in ``context``'s pages
    from now on (its console's "Refused to ..." errors, with the page's address),
    collected as they come into ``seen`` (a new list by default)."""
    seen = [] if seen is None else seen

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            seen.append(f"{message.location.get('url', '')}: {message.text}")

    context.on("console", on_console)
    return seen


def watching_policy(browser: Any) -> list[str]:
    """Every context ``browser`` opens from now on watched by ``policy_violations``,
    into the one list returned."""
    seen: list[str] = []
    new_context = browser.new_context

    def watched(*args: Any, **kwargs: Any) -> Any:
        context = new_context(*args, **kwargs)
        policy_violations(context, seen)
        return context

    browser.new_context = watched
    browser.new_unwatched_context = new_context  # for a test that provokes a refusal
    return seen


def switch_language(page: Any, code: str) -> None:
    """Use the header's language switch, as a person would, with the keyboard: the
    button of the form that sets ``code`` (each other language has its own)."""
    form = page.locator("form.lang-switch").filter(
        has=page.locator(f"input[name=language][value='{code}']")
    )
    # The page's own language has no button: a test asking for it is mistaken.
    assert form.count() == 1, f"no switch to {code!r} on {page.url}"
    with page.expect_navigation():
        form.locator("button[type=submit]").press("Enter")


# WCAG 2.1 contrast (1.4.3) of the visible text under ``root``, on solid backgrounds:
# the first opaque background among an element's ancestors (semi-transparent ones are
# blended over it). Text over images or gradients is not checked.
_CONTRAST_JS = """
root => {
  function rgba(text) {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(',').map(s => parseFloat(s));
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function over(top, bottom) {
    const a = top.a;
    return {r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a),
            b: top.b * a + bottom.b * (1 - a), a: 1};
  }
  function background(el) {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let colour = {r: 255, g: 255, b: 255, a: 1};
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  }
  function luminance(c) {
    const f = v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || seen.has(el) || !walker.currentNode.textContent.trim()) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || box.width <= 1 || box.height <= 1) continue;
    if (el.closest('svg, [aria-hidden=true]')) continue;
    const back = background(el);
    const fore = over(rgba(style.color), back);
    const [hi, lo] = [luminance(fore), luminance(back)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      found.push({text: el.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100,
                  color: style.color, background: `rgb(${back.r}, ${back.g}, ${back.b})`});
    }
  }
  return found;
}
"""


def low_contrast(page: Any, selector: str = "body") -> list[dict[str, Any]]:
    """Text under ``selector`` below WCAG AA contrast: 4.5:1, or 3:1 for large text."""
    found: list[dict[str, Any]] = page.locator(selector).first.evaluate(_CONTRAST_JS)
    return found


def unlabelled_controls(root: Any) -> list[str]:
    """The ids (or names) of the visible form controls under ``root`` (a locator)
    without a label element that has text."""
    found: list[str] = root.evaluate(
        """root => [...root.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(el => ![...el.labels].some(label => label.textContent.trim()))
             .map(el => el.id || el.name)"""
    )
    return found


# axe-core's scrollable-region-focusable: a box whose content overflows it and which
# scrolls (overflow auto or scroll) must take the focus itself or hold something that
# does, or the keyboard cannot scroll it.
_UNREACHABLE_SCROLLERS_JS = """
() => {
  const scrolls = value => value === 'auto' || value === 'scroll';
  const reachable = el => el.tabIndex >= 0 && el.getClientRects().length > 0;
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const wide = scrolls(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const tall = scrolls(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (!wide && !tall) continue;
    if (reachable(el) || [...el.querySelectorAll('*')].some(reachable)) continue;
    found.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
               `${el.className ? '.' + String(el.className).split(' ').join('.') : ''}: ` +
               el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40));
  }
  return found;
}
"""


def unreachable_scrollers(page: Any) -> list[str]:
    """The boxes of the page that scroll but that the keyboard cannot scroll: neither
    they nor anything in them takes the focus. Each as its tag, id, classes and first
    words. Read after the next two rendering updates: site.js makes a table's box a
    stop when a resize made it overflow, and hears of the new size a frame later."""
    page.evaluate(_TWO_FRAMES_JS)
    found: list[str] = page.evaluate(_UNREACHABLE_SCROLLERS_JS)
    return found


_TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def focus_lands_on(page: Any, selector: str, *, timeout_ms: int = 2000) -> bool:
    """Whether the focus moves to the element matching ``selector`` (CSS) within
    ``timeout_ms``. Chromium applies ``autofocus`` at its next rendering update, which
    can come after the navigation a test waited for has finished: reading
    ``document.activeElement`` at once raced it (a CI run failed that way)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "target => document.activeElement && document.activeElement.matches(target)",
            arg=selector,
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        return False
    return True


def tab_reaches(page: Any, start: str, target: str, *, limit: int = 12) -> bool:
    """Whether pressing Tab from the element ``start`` focuses ``target`` (CSS
    selectors) within ``limit`` presses."""
    page.locator(start).focus()
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("target => document.activeElement.matches(target)", target):
            return True
    return False


# The text a reader meets: visible text nodes, the title and aria-labels, leaving out
# drawings (the process diagram's SVG) and what is hidden from assistive technology,
# and text marked as Chinese (a language's own name in the language switch).
_READER_TEXT_JS = """
() => {
  const skip = el => el.closest('svg, script, style, [aria-hidden=true], [hidden], [lang^=zh]');
  const parts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el && !skip(el) && el.getClientRects().length) parts.push(walker.currentNode.textContent);
  }
  for (const el of document.querySelectorAll('[aria-label]')) {
    if (!el.closest('[aria-hidden=true], [lang^=zh]')) parts.push(el.getAttribute('aria-label'));
  }
  return parts.join('\\n');
}
"""
_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def chinese_left(page: Any, data: Iterable[str]) -> list[str]:
    """The runs of Chinese on an English page once the ``data`` strings (names,
    service names, steps of a process file) are taken out: untranslated interface."""
    text = page.evaluate(_READER_TEXT_JS)
    for item in sorted({d for d in data if d}, key=len, reverse=True):
        text = text.replace(item, " ")
    return _CHINESE.findall(text)
