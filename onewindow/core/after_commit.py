"""Background work enqueued when a transaction commits, without failing the change.

Tasks are sent with ``transaction.on_commit`` (ARCHITECTURE.md, "Background work"), so
a change rolled back sends nothing. By then the change is committed: a broker that is
down or out of reach must not turn it into an error for the person who made it (a
submission saved, answered 500), nor skip the transaction's other hooks. Django's
``on_commit(..., robust=True)`` alone is not enough: it logs a failure under the
callable's ``__qualname__``, which a ``functools.partial`` lacks, so the logging itself
raised and the hooks after it never ran.

``enqueue_after_commit`` schedules the call under a name Django can log, catches its
failure, and logs it on the ``onewindow`` loggers with the task's name, the object it
was for (a kind and an id, never personal data) and what becomes of the work: caught
up later (the outbox's sweep, the queued runs' catch-up), or lost, so an operator
knows what a broker outage cost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# What an operator reads: the task, the object, the error, and what becomes of the work.
NOT_ENQUEUED = "Background task %s for %s was not enqueued after commit (%r). %s"


def enqueue_after_commit(
    enqueue: Callable[..., object],
    *args: Any,
    about: str,
    later: str,
    task: str = "",
    using: str | None = None,
) -> None:
    """Call ``enqueue(*args)`` once the current transaction commits (at once outside
    one): a Celery task's ``delay``, or a function that sends one. If it raises (the
    broker down), the change stays committed, the error is logged (``NOT_ENQUEUED``)
    and the transaction's later hooks run.

    ``about`` names the object the work is for, as a kind and an id ("case 42"): it goes
    to the log, so never a name, an address or a number of a person. ``later`` says what
    becomes of the work (what catches it up, or that nothing does). ``task`` is the name
    logged, by default the Celery task's own when ``enqueue`` is its ``delay``."""
    name = task or _name_of(enqueue)

    def run() -> None:
        try:
            enqueue(*args)
        except Exception as error:  # whatever the broker's client raises
            logger.error(NOT_ENQUEUED, name, about, error, later, exc_info=True)

    # The name Django logs should this hook fail all the same (the logging itself).
    run.__name__ = run.__qualname__ = f"enqueue_after_commit({name})"
    transaction.on_commit(run, using=using, robust=True)


def _name_of(enqueue: Callable[..., object]) -> str:
    """The Celery task's name for its ``delay`` or ``apply_async``; else the function's."""
    name = getattr(getattr(enqueue, "__self__", None), "name", None)
    if isinstance(name, str):
        return name
    module = getattr(enqueue, "__module__", None) or "?"
    return f"{module}.{getattr(enqueue, '__qualname__', type(enqueue).__qualname__)}"
