"""The ``pattern`` of a form's text field, matched in linear time.

A form is written by a department's admin and answered by anyone. Python's ``re``
backtracks: a pattern such as ``^(a+)+$`` takes exponential time on an answer of fifty
"a" and a "!", and one such answer would hold a web process for good. Patterns are
therefore compiled and matched by RE2 (google-re2), whose time grows with the answer's
length only. RE2 leaves out what needs backtracking (back-references, look-around): a
form's check refuses a pattern using them, so every stored pattern is one RE2 matches.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

_OPTIONS = re2.Options()
# A refused pattern is the form's check's to report, in words of its own; RE2 would
# also log it to the server's standard error.
_OPTIONS.log_errors = False
# Whether an answer matches is all that is asked. Telling where a group matched takes
# RE2's slower engines: "(.*a){1000}" took 4 s on an answer of 100,000 characters with
# groups captured, 0.06 s without.
_OPTIONS.never_capture = True


@functools.lru_cache(maxsize=512)
def compiled(pattern: str) -> Any:
    """The pattern compiled by RE2; ``re2.error`` when RE2 cannot match it."""
    return re2.compile(pattern, options=_OPTIONS)


def is_matchable(pattern: str) -> bool:
    """Whether RE2 compiles ``pattern`` (what a form's check requires)."""
    try:
        compiled(pattern)
    except re2.error:
        return False
    return True


def search(pattern: str, text: str) -> bool:
    """Whether ``text`` holds a match of ``pattern`` anywhere, as JSON Schema's
    ``pattern`` asks (not anchored: a pattern anchors itself with ^ and $)."""
    return compiled(pattern).search(text) is not None
