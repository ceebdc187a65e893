"""Background work of the cases app: starting the runs of cases filed queued
(FILING_QUEUED, ADR 0021)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="onewindow.cases.start_run")
def start_run(case_id: int) -> bool:
    """Start the run of one case filed queued (sent when its submission commits).
    A failure is counted and audited and leaves the case queued; the minute's catch-up
    tries again, later and later (``starting.note_start_failure``)."""
    from django.utils import timezone

    from onewindow.cases.starting import note_start_failure, start_queued_run

    try:
        return start_queued_run(case_id)
    except Exception as error:
        note_start_failure(case_id, error, timezone.now())
        raise


@shared_task(name="onewindow.cases.start_overdue_runs")
def start_overdue_runs() -> int:
    """Every minute from beat: the queued runs whose message was lost or failed."""
    from onewindow.cases.starting import start_overdue_runs as catch_up

    report = catch_up()
    for problem in report.problems:
        logger.error("queued runs: %s", problem)
    return report.started
