"""Test helpers for code that meets the audit chain held by someone else."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from onewindow.audit.services import hold_chain


@contextmanager
def chain_held_elsewhere(meanwhile: Callable[[], object]) -> Iterator[None]:
    """Run the block while another connection (a thread) holds the audit chain and runs
    ``meanwhile`` before committing; wait for that thread at the end. PostgreSQL only:
    SQLite's test database has one writer at a time."""
    holding = threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                hold_chain()
                holding.set()
                meanwhile()
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        if not holding.wait(timeout=10):
            raise RuntimeError("the other connection did not take the chain")
        yield
    finally:
        thread.join()
