"""What ``/healthz`` reports besides "ok".

- The database first: without it this web process serves nothing, so ``/healthz``
  answers 503 and the load balancer takes the process out (``database_problem``).
- Then the parts that fail some of the work while pages still serve (``warnings``, read
  at most every ``SERVICE_CHECK_SECONDS`` per process, so that a probe every second
  costs no connection and no query each time): the cache, the message broker, the file
  storage, and each app's check, registered in its ``ready()``: a line for operators
  when its part of the platform is failing or will fail soon, None when all is well.
  The core app knows none of them by name. A check that raises is reported by name,
  not as a 500.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger("onewindow.health")

Check = Callable[[], str | None]
SERVICE_CHECK_SECONDS = 15.0
BROKER_TIMEOUT_SECONDS = 2

_checks: list[Check] = []


def register(check: Check) -> None:
    if check not in _checks:
        _checks.append(check)


def database_problem() -> str | None:
    """A line when the database does not answer ``SELECT 1``; None when it does."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver's error: the point is to say, not to crash
        logger.error("health: the database does not answer: %s", error)
        return f"database: not answering ({type(error).__name__})"
    return None


def _cache_problem() -> str | None:
    try:
        cache.set("onewindow:health", "ok", timeout=60)
        if cache.get("onewindow:health") != "ok":
            return "cache: a value written could not be read back"
    except Exception as error:
        return f"cache: not answering ({type(error).__name__}); throttles count per process"
    return None


def _broker_problem() -> str | None:
    """Whether the Celery broker takes a connection. Not asked when tasks run in the
    request (the embedded profile's eager mode), which needs none."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    from onewindow.worker import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
            )
    except Exception as error:
        return (
            f"broker: not answering ({type(error).__name__}); mail, SMS and queued starts "
            "wait in the database until it is back"
        )
    return None


def _storage_problem() -> str | None:
    """Whether uploads can be stored: an S3 bucket that answers to its credentials, or a
    local folder this process may write. A wrong bucket or key would otherwise show
    first as an applicant's failed upload."""
    from django.core.files.storage import default_storage

    try:
        bucket = getattr(default_storage, "bucket_name", None)
        if bucket:
            s3 = default_storage.connection  # type: ignore[attr-defined]  # S3Storage's
            s3.meta.client.head_bucket(Bucket=bucket)
        else:
            folder = Path(default_storage.path(""))
            if not os.access(folder if folder.exists() else folder.parent, os.W_OK):
                return f"storage: {folder} is not writable; uploads fail"
    except Exception as error:
        return f"storage: the bucket does not answer ({type(error).__name__}); uploads fail"
    return None


_lock = threading.Lock()
_checked: tuple[float, list[str]] | None = None


def warnings() -> list[str]:
    """The lines of the services and of the app checks that found a problem, in that
    order (the app checks in the order they registered); read again once
    ``SERVICE_CHECK_SECONDS`` have passed since this process last read them, so that a
    probe every second costs neither a connection nor the checks' queries each time."""
    global _checked
    with _lock:
        now = time.monotonic()
        if _checked is None or now - _checked[0] >= SERVICE_CHECK_SECONDS:
            _checked = (now, _read_warnings())
        return list(_checked[1])


def forget_checks() -> None:
    """Read everything afresh at the next ``warnings`` (tests)."""
    global _checked
    with _lock:
        _checked = None


def _read_warnings() -> list[str]:
    checked = [_cache_problem(), _broker_problem(), _storage_problem()]
    for check in _checks:
        try:
            checked.append(check())
        except Exception:
            logger.exception("health: the check %s raised", check.__qualname__)
            checked.append(
                f"{check.__module__}.{check.__qualname__}: the check itself failed (see log)"
            )
    return [line for line in checked if line]
