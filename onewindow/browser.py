"""Shared pieces of the browser tests (Playwright driving Debian's Chromium).

Fixtures ``browser`` and ``page`` are provided to every test package by the root
conftest; helpers here are the steps several journeys share, the accessibility audit
(axe-core, the maintained rule engine, from the npm registry as a development package,
injected into the page under test), keyboard checks axe cannot make (where the focus
lands, what Tab reaches) and Chinese left on English pages.

The browser tests share one xdist group ("browser"), run by one worker while the other
takes the rest of the suite: with a group per module, two Chromiums at once slowed the
SQLite pass (351 s against 328 s, run one after the other on the same host).
"""

from __future__ import annotations

import functools
import os
import re
import select
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
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


class ServerConnections:
    """The connections the live server is serving, so that a test can wait for them
    to end before its database is flushed.

    Why: a page closed right after an assertion may leave a request running in the
    server (a diagram's data fetched after load, a form posted as the test ended); the
    flush then meets that request's reads ("database table is locked" on SQLite) or the
    request meets an emptied database. A connection is counted from the server's
    accept to the end of its thread; one the kernel holds that the server has not
    accepted yet is seen on the listening socket."""

    def __init__(self, server: Any) -> None:
        self._listening = server.socket
        self._open = 0
        self._changed = threading.Condition()
        accept, serve = server.process_request, server.process_request_thread

        def counted_accept(request: Any, client_address: Any) -> None:
            with self._changed:
                self._open += 1
            try:
                accept(request, client_address)
            except BaseException:
                self._closed()
                raise

        def counted_serve(request: Any, client_address: Any) -> None:
            try:
                serve(request, client_address)
            finally:
                self._closed()

        server.process_request = counted_accept
        server.process_request_thread = counted_serve

    def _closed(self) -> None:
        with self._changed:
            self._open -= 1
            self._changed.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        """True once no connection is open or waiting to be accepted, False if one
        still is after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            with self._changed:
                left = deadline - time.monotonic()
                if not self._changed.wait_for(lambda: self._open == 0, max(left, 0)):
                    return False
            if not self._waiting_to_be_accepted():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)  # the server accepts it at its next look

    def _waiting_to_be_accepted(self) -> bool:
        readable, _, _ = select.select([self._listening], [], [], 0)
        return bool(readable)


@functools.cache
def server_connections(live_server: Any) -> ServerConnections:
    """The one counter of ``live_server``'s connections, installed at the first call."""
    return ServerConnections(live_server.thread.httpd)


def close_contexts(browser: Any) -> None:
    """Close every context ``browser`` has open (a test's own contexts included, which
    tests leave open), so that it holds no connection to the live server."""
    for context in list(browser.contexts):
        context.close()


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


AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules/axe-core/axe.min.js"
# The rules public service pages are held to: WCAG 2.0, 2.1 and 2.2 at levels A and AA
# (China's GB/T 37668 follows WCAG 2.0 AA), and axe's best practices, which include the
# landmarks (all content in one, a single main) and one h1 a page.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")

# Each violation's elements, as "rule: element — what to fix (the first way out)".
_AXE_RUN_JS = """
async ({within, tags, rules}) => {
  const options = rules.length ? {runOnly: {type: 'rule', values: rules}}
                               : {runOnly: {type: 'tag', values: tags}};
  // Details of the violations alone: axe then spends less on the rules that pass.
  const result = await axe.run(within, {...options, resultTypes: ['violations']});
  const fix = (n, v) => ((n.failureSummary || '').split('\\n')[1] || v.help).trim();
  return result.violations.flatMap(
    v => v.nodes.map(n => `${v.id}: ${n.target.join(' ')} — ${fix(n, v)}`));
}
"""


@functools.cache
def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("axe-core is required under CI (make test installs it)")
        pytest.skip("axe-core is not installed: run `make assets`")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Any, within: str = "html", *, rules: Iterable[str] = ()) -> list[str]:
    """axe-core's violations of ``AXE_TAGS`` (or of the named ``rules`` alone) in the
    elements matching ``within`` (CSS), one line per element: rule, element, what to fix.

    The script goes in through the DevTools protocol (``page.evaluate``), which the site's
    Content Security Policy does not govern: a script tag would be refused. Read after the
    next two rendering updates: site.js makes a table's box a stop when a resize made it
    overflow, and hears of the new size a frame later."""
    page.evaluate(_TWO_FRAMES_JS)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found: list[str] = page.evaluate(
        _AXE_RUN_JS, {"within": within, "tags": list(AXE_TAGS), "rules": list(rules)}
    )
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
