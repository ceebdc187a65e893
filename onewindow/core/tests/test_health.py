"""The registry of /healthz checks (core/health.py)."""

from collections.abc import Iterator

import pytest

from onewindow.core import health


@pytest.fixture
def checks() -> Iterator[None]:
    saved = list(health._checks)
    health._checks.clear()
    yield
    health._checks[:] = saved


def test_only_the_checks_that_find_a_problem_report_in_registration_order(checks) -> None:
    health.register(lambda: "queue: stuck")
    health.register(lambda: None)
    health.register(lambda: "calendar: 2027 unknown")
    assert health.warnings() == ["queue: stuck", "calendar: 2027 unknown"]


def test_a_check_registered_twice_reports_once(checks) -> None:
    def check() -> str:
        return "queue: stuck"

    health.register(check)
    health.register(check)  # an app's ready() may run again in tests
    assert health.warnings() == ["queue: stuck"]


def test_the_apps_register_their_checks() -> None:
    from onewindow.cases.starting import stuck_warning
    from onewindow.workdays.calendar import horizon_warning

    assert {horizon_warning, stuck_warning} <= set(health._checks)
