"""What ``/healthz`` reports besides "ok": each app registers, in its ``ready()``, a check
that returns a line for operators when its part of the platform is failing or will
fail soon, and None when all is well. The core app knows none of them by name."""

from __future__ import annotations

from collections.abc import Callable

Check = Callable[[], str | None]

_checks: list[Check] = []


def register(check: Check) -> None:
    if check not in _checks:
        _checks.append(check)


def warnings() -> list[str]:
    """The lines of the checks that found a problem, in the order they registered."""
    return [line for check in _checks if (line := check())]
