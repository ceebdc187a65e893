"""The timer job as the worker runs it: named, scheduled every minute, with stale runs
dropped, and reporting what the sweep did."""

from __future__ import annotations

import time_machine
from django.conf import settings

from onewindow.identity.models import Department
from onewindow.workflow import services
from onewindow.workflow.tasks import sweep_time_limits
from onewindow.workflow.tests.timing import at, upload_timed


def test_the_sweep_is_scheduled_every_minute_and_a_late_run_is_dropped() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["workflow-sweep-time-limits"]
    assert (entry["task"], entry["schedule"]) == (sweep_time_limits.name, 60.0)
    assert 0 < entry["options"]["expires"] < entry["schedule"]


def test_the_task_runs_the_sweep_and_reports_its_counts(city: dict[str, Department]) -> None:
    with time_machine.travel(at("2026-03-02", 9), tick=False):
        services.start_instance(definition=upload_timed(limit=1), data={}, actor=None)
    with time_machine.travel(at("2026-03-02", 10), tick=False):
        assert sweep_time_limits.delay().get()["warned"] == 0
    with time_machine.travel(at("2026-03-03"), tick=False):  # limit 1: yellow all of day 1
        counts = sweep_time_limits.delay().get()
    assert counts == {
        "warned": 1,
        "overdue": 0,
        "timers_fired": 0,
        "timers_failed": 0,
        "rescheduled": 0,
    }
