"""Background work of the workflow app."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from celery import shared_task
from django.conf import settings

if TYPE_CHECKING:
    from onewindow.workflow.sweep import SweepReport

logger = logging.getLogger(__name__)


# A helper not started within the minute is moot: the next sweep has its own.
HELPER_EXPIRES = 55.0


@shared_task(name="onewindow.workflow.sweep_time_limits")
def sweep_time_limits() -> dict[str, int]:
    """The timer job (every minute from beat): clock alerts and due process timers.
    Idempotent and safe to run twice at once; catches up after downtime. With
    ``SWEEP_TIMER_HELPERS`` set, that many other workers fire due timers alongside."""
    from onewindow.workflow.sweep import sweep

    report = sweep(start_helpers=_start_helpers if settings.SWEEP_TIMER_HELPERS else None)
    for problem in report.problems:
        logger.error("time limits: %s", problem)
    return _counts(report)


@shared_task(name="onewindow.workflow.help_with_timers")
def help_with_timers(now: str) -> dict[str, int]:
    """Another worker's share of the sweep at ``now`` (ISO 8601): due timers only."""
    from onewindow.workflow.sweep import help_with_timers as help_sweep

    return _counts(help_sweep(datetime.fromisoformat(now)))


def _start_helpers(now: datetime) -> None:
    for _ in range(settings.SWEEP_TIMER_HELPERS):
        help_with_timers.apply_async((now.isoformat(),), expires=HELPER_EXPIRES)


def _counts(report: SweepReport) -> dict[str, int]:
    return {
        "warned": report.warned,
        "overdue": report.overdue,
        "timers_fired": report.timers_fired,
        "timers_failed": report.timers_failed,
        "rescheduled": report.rescheduled,
        "alert_batches_redone": report.batches_redone,
    }
