"""Every table of the site's templates scrolls sideways in a region the keyboard can
reach ({% table_scroll %}): on a narrow screen site.css makes any other table scroll by
itself, which keyboard users cannot do when it holds no link or button (WCAG 2.1.1).
Those drawn as cards on a phone (``stacked``) too: between a phone and a wide screen
they are tables again, and the inbox's eight columns in English widened the page."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "onewindow" / "templates"
TABLE = re.compile(r"<table\b[^>]*>")
OPENED = re.compile(r"{%\s*table_scroll\b")
CLOSED = re.compile(r"{%\s*endtable_scroll\s*%}")


def _unwrapped(source: str) -> int:
    """How many tables of ``source`` are outside a table_scroll."""
    count = 0
    for table in TABLE.finditer(source):
        before = source[: table.start()]
        if len(OPENED.findall(before)) <= len(CLOSED.findall(before)):
            count += 1
    return count


def test_every_table_scrolls_in_a_region_the_keyboard_reaches():
    found = {
        str(path.relative_to(TEMPLATES)): _unwrapped(path.read_text(encoding="utf-8"))
        for path in sorted(TEMPLATES.rglob("*.html"))
    }
    assert {name for name, count in found.items() if count} == set()


def test_the_check_finds_a_table_outside_a_region():
    assert _unwrapped("<table><caption>A</caption></table>") == 1
    assert _unwrapped('{% table_scroll "a" %}<table></table>{% endtable_scroll %}') == 0
    assert _unwrapped('{% table_scroll "a" %}{% endtable_scroll %}<table></table>') == 1
    assert _unwrapped('<table class="inbox stacked" role="table"></table>') == 1
