"""The rule that keeps a page's or an API's test on PostgreSQL when it counts queries
(``onewindow/conftest.py``, ``_on_every_database``) sees only the fixtures a test asks
for: a ``single_pass`` module counting statements by hand with Django's
``CaptureQueriesContext`` would run on SQLite alone without anyone noticing."""

from __future__ import annotations

import re
from pathlib import Path

import onewindow

PACKAGE = Path(onewindow.__file__).resolve().parent
IMPORTS_THE_COUNTER = re.compile(r"^\s*(from|import) .*\bCaptureQueriesContext\b", re.MULTILINE)


def _single_pass_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.glob("*/tests/test_*.py"))
        if "pytest.mark.single_pass" in path.read_text(encoding="utf-8")
    ]


def test_there_are_single_pass_modules_to_check():
    assert len(_single_pass_modules()) > 10


def test_no_single_pass_module_counts_queries_behind_the_rules_back():
    counting_by_hand = [
        str(path.relative_to(PACKAGE))
        for path in _single_pass_modules()
        if IMPORTS_THE_COUNTER.search(path.read_text(encoding="utf-8"))
    ]
    assert counting_by_hand == [], "ask for the capture_queries fixture instead"
