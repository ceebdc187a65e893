import logging

from celery import shared_task

from onewindow.audit.verification import verify_chain

logger = logging.getLogger("onewindow.audit")


@shared_task(name="onewindow.audit.verify_chain")
def verify_chain_task() -> int:
    """Hourly check of the chain; a break is logged at ERROR for the operators' alerting."""
    problems = verify_chain()
    for problem in problems:
        logger.error("audit chain: %s", problem)
    return len(problems)
