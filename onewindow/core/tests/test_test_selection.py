"""The rule that keeps a page's or an API's test on PostgreSQL when it counts queries
(``onewindow/conftest.py``, ``_on_every_database``) sees only the fixtures and marks a
test has: a ``single_pass`` module counting statements by hand with Django's
``CaptureQueriesContext`` would run on SQLite alone without anyone noticing, and a test
of what PostgreSQL does, skipped on SQLite, would run nowhere."""

from __future__ import annotations

import ast
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


def _skips_unmarked(tree: ast.Module) -> list[str]:
    """The test functions of a module that call ``pytest.skip`` without the
    ``every_database`` mark."""
    found = []
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or not function.name.startswith("test"):
            continue
        skips = any(
            isinstance(node, ast.Call) and ast.unparse(node.func) == "pytest.skip"
            for node in ast.walk(function)
        )
        marked = any("every_database" in ast.unparse(d) for d in function.decorator_list)
        if skips and not marked:
            found.append(function.name)
    return found


def test_a_single_pass_test_that_skips_on_sqlite_still_runs_on_postgresql():
    unmarked = {
        str(path.relative_to(PACKAGE)): names
        for path in _single_pass_modules()
        if (names := _skips_unmarked(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert unmarked == {}, "mark them pytest.mark.every_database"


def test_the_skip_check_finds_an_unmarked_skip():
    source = (
        "def test_a():\n    pytest.skip('x')\n"
        "@pytest.mark.every_database\ndef test_b():\n    pytest.skip('y')\n"
    )
    assert _skips_unmarked(ast.parse(source)) == ["test_a"]
