"""Background work of the workflow app."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="onewindow.workflow.sweep_time_limits")
def sweep_time_limits() -> dict[str, int]:
    """The timer job (every minute from beat): clock alerts and due process timers.
    Idempotent and safe to run twice at once; catches up after downtime."""
    from onewindow.workflow.sweep import sweep

    report = sweep()
    for problem in report.problems:
        logger.error("time limits: %s", problem)
    return {
        "warned": report.warned,
        "overdue": report.overdue,
        "timers_fired": report.timers_fired,
        "timers_failed": report.timers_failed,
        "rescheduled": report.rescheduled,
    }
