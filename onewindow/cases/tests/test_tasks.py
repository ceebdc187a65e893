"""The cases app's background work as the worker runs it (cases/tasks.py)."""

import logging
from datetime import timedelta
from typing import Any

import time_machine
from django.conf import settings

from onewindow.cases.tasks import start_overdue_runs, start_run
from onewindow.cases.tests.conftest import PASSPORT, start_fails_for, submit


def test_the_catch_up_is_scheduled_every_minute_and_a_late_run_is_dropped() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["cases-start-overdue-runs"]
    assert (entry["task"], entry["schedule"]) == (start_overdue_runs.name, 60.0)
    assert 0 < entry["options"]["expires"] < entry["schedule"]


def test_the_start_task_starts_a_queued_run_once(world, settings: Any) -> None:
    settings.FILING_QUEUED = True
    case = submit(world["citizen.wang"], PASSPORT)
    assert start_run.delay(case.pk).get() is True
    assert start_run.delay(case.pk).get() is False
    case.refresh_from_db()
    assert case.instance_id is not None


def test_the_catch_up_task_counts_what_it_started_and_logs_what_it_could_not(
    world, settings: Any, caplog
) -> None:
    settings.FILING_QUEUED = True
    first = submit(world["citizen.wang"], PASSPORT)
    second = submit(world["citizen.chen"], PASSPORT)
    later = first.created_at + timedelta(minutes=5)
    with (
        time_machine.travel(later, tick=False),
        start_fails_for(second),
        caplog.at_level(logging.ERROR, logger="onewindow.cases.tasks"),
    ):
        assert start_overdue_runs.delay().get() == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"queued runs: case {second.pk}: RuntimeError('engine down')"
    ]
