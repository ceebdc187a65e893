"""Helper processes for the sweep benchmark: what ``SWEEP_TIMER_HELPERS`` Celery workers
do in production (``tasks.help_with_timers``), as forked processes of the benchmark, so
that a run measures the sweep's timers shared by several workers on this machine."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import time_machine
from django.db import connections

from onewindow.workflow import sweep

WAIT_SECONDS = 3600.0


def _help(orders: Any, results: Any) -> None:
    moment = orders.get(timeout=WAIT_SECONDS)
    if moment is None:
        results.put((0, 0))
        return
    now = datetime.fromisoformat(moment)
    # The parent's travel is not inherited as a running one: travel here too.
    with time_machine.travel(now, tick=True):
        report = sweep.help_with_timers(now)
    connections.close_all()
    results.put((report.timers_fired, report.timers_failed))


class Helpers:
    """``count`` forked processes waiting to be set on a sweep's timers."""

    def __init__(self, orders: Any, results: Any, processes: list[Any]) -> None:
        self._orders, self._results, self._processes = orders, results, processes
        self.started = False

    def start(self, now: datetime) -> None:
        """The sweep's ``start_helpers``."""
        self.started = True
        for _ in self._processes:
            self._orders.put(now.isoformat())

    def finish(self) -> tuple[int, int]:
        """Wait for every helper; (timers fired, timers failed) by them all."""
        if not self.started:
            for _ in self._processes:
                self._orders.put(None)
        fired = failed = 0
        for _ in self._processes:
            helper_fired, helper_failed = self._results.get(timeout=WAIT_SECONDS)
            fired, failed = fired + helper_fired, failed + helper_failed
        for process in self._processes:
            process.join()
        return fired, failed


@contextmanager
def helpers(count: int) -> Iterator[Helpers]:
    context = multiprocessing.get_context("fork")
    if count:
        # A forked child must open its own connection, never share the parent's socket
        # (without helpers the connection stays: a reconnect would be timed as sweeping).
        connections.close_all()
    orders, results = context.Queue(), context.Queue()
    processes = [context.Process(target=_help, args=(orders, results)) for _ in range(count)]
    for process in processes:
        process.start()
    try:
        yield Helpers(orders, results, processes)
    finally:
        for process in processes:
            if process.is_alive():
                process.join(timeout=1)
            if process.is_alive():
                process.kill()
