import logging

from celery import shared_task

from onewindow.workdays.calendar import horizon_warning

logger = logging.getLogger("onewindow.workdays")


@shared_task(name="onewindow.workdays.check_horizon")
def check_horizon_task() -> bool:
    """Daily: an unconfigured year within reach of new limits is logged at ERROR for the
    operators' alerting, weeks before a deadline would fail on it."""
    warning = horizon_warning()
    if warning:
        logger.error("%s", warning)
    return warning is None
