"""The timer job as the worker runs it: named, scheduled every minute, with stale runs
dropped, and reporting what the sweep did."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from unittest import mock

import time_machine
from django.conf import settings

from onewindow.audit.models import AuditEvent
from onewindow.identity.models import Department
from onewindow.workflow import services
from onewindow.workflow.models import ProcessTimer
from onewindow.workflow.tasks import HELPER_EXPIRES, help_with_timers, sweep_time_limits
from onewindow.workflow.tests.timing import Boundary, at, upload_timed


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
        "alert_batches_redone": 0,
    }


def test_with_helpers_the_sweep_sets_them_on_its_due_timers(
    city: dict[str, Department], settings: Any
) -> None:
    settings.SWEEP_TIMER_HELPERS = 2
    definition = upload_timed(limit=5, boundaries=(Boundary("Timer_note", "P2D"),))
    with time_machine.travel(at("2026-03-02", 9), tick=False):
        for _ in range(3):
            services.start_instance(definition=definition, data={}, actor=None)
    started: list[tuple[datetime, float]] = []
    real = help_with_timers.apply_async

    def apply_async(args: tuple[Any, ...], **options: Any) -> Any:
        started.append((datetime.fromisoformat(args[0]), options["expires"]))
        return real(args, **options)  # eager in tests: the helper runs here and then

    late = at("2026-03-11", 9)
    with (
        mock.patch.object(help_with_timers, "apply_async", apply_async),
        time_machine.travel(late, tick=False),
    ):
        counts = sweep_time_limits.delay().get()
    assert started == [(late, HELPER_EXPIRES)] * 2
    # The first helper fired all three before the sweep went on: the sweep had none left.
    assert counts["timers_fired"] == 0
    assert set(ProcessTimer.objects.values_list("status", flat=True)) == {"fired"}
    assert AuditEvent.objects.filter(action="workflow.timer_fired").count() == 3
