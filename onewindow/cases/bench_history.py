"""Reads that must not grow with the city's history, timed as it grows.

A city's tables fill with finished cases: every case ever filed stays, with its run and
its tasks. The pages officers and supervisors open all day should cost what the open
work costs, not what the history does. This benchmark times three such reads (an
officer opening a case, the supervisor's late cases, the first page of the inbox) on
the same open work, first with no history (the baseline), then with generated finished
cases of 公安 (one finished run and one completed task each), and reports each
read's time as a ratio to its baseline. PostgreSQL only: the plans measured are its.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from onewindow.cases import queries
from onewindow.cases.bench_sweep import SweepCases
from onewindow.cases.models import Case
from onewindow.identity.models import User
from onewindow.supervision.queries import late_cases
from onewindow.workflow.choices import ClockState
from onewindow.workflow.models import Clock, ProcessInstance, TaskHolding, WorkTask

SIZES = (10_000, 100_000)
OPEN = 40  # open passport cases, all late (their acceptance is a day overdue)
REPEAT = 15  # each read's time is the best of this many: the host's share of the CPU varies
HISTORY_PREFIX = "HIST-"

Read = Callable[[], object]


def reads(now: datetime, open_cases: int = OPEN) -> dict[str, Read]:
    """The reads measured, each checked to find what it should."""
    window = User.objects.get(username="ga.window")
    supervisor = User.objects.get(username="supervisor")
    opened = Case.objects.filter(number__startswith="310000-GA-", status="submitted")
    number = opened.values_list("number", flat=True)[0]

    def open_case() -> object:
        return queries.case_for(window, number)

    def supervisor_listing() -> object:
        [police] = late_cases(supervisor, now)
        assert len(police.cases) >= open_cases, len(police.cases)
        return police

    def inbox_page() -> object:
        tasks = queries.inbox(window)
        page = list(tasks[:50])
        assert tasks.count() >= open_cases and page
        return page

    return {
        "an officer opens a case": open_case,
        "the supervisor's late cases": supervisor_listing,
        "the inbox's first page": inbox_page,
    }


def best_ms(read: Read) -> float:
    read()  # warm: caches, prepared plans
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def make_late(now: datetime) -> None:
    """Every running clock a day past its warning and its limit."""
    Clock.objects.filter(state=ClockState.RUNNING).update(
        warn_at=now - timedelta(days=2), due_at=now - timedelta(days=1)
    )


def add_history(count: int) -> None:
    """``count`` more finished 公安 cases, each with its finished run and its completed
    task, once held in the department's queue, copied from an open case's facts. The
    history must be whole: with tasks but no holdings, PostgreSQL's statistics make it
    plan reads of holdings that a real history would not."""
    template = Case.objects.filter(instance__isnull=False).select_related("instance").first()
    assert template is not None and template.instance is not None
    task = WorkTask.objects.filter(instance=template.instance).first()
    assert task is not None
    first = Case.objects.filter(number__startswith=HISTORY_PREFIX).count() + 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH runs AS (
              INSERT INTO {ProcessInstance._meta.db_table} (state, serializer_version, status,
                result, revision, created_at, updated_at, definition_id)
              SELECT '{{}}', 2, 'completed', '{{}}', 3, now() - interval '1 year',
                now() - interval '1 year', %(definition)s FROM generate_series(1, %(count)s)
              RETURNING id
            ), tasks AS (
              INSERT INTO {WorkTask._meta.db_table} (instance_id, spiff_task_id, bpmn_id, name,
                name_en, lane, role, status, completed_at, outcome, comment, note_for_applicant,
                created_at, department_id, completed_by_id)
              SELECT id, gen_random_uuid()::text, %(bpmn_id)s, %(name)s, %(name_en)s, %(lane)s, '',
                'completed', now() - interval '1 year', 'complete', '', '',
                now() - interval '1 year', %(department)s, NULL FROM runs
              RETURNING id
            ), holdings AS (
              INSERT INTO {TaskHolding._meta.db_table} (task_id, kind, officer_id,
                department_id, started_at, ended_at)
              SELECT id, 'queue', NULL, %(department)s, now() - interval '1 year',
                now() - interval '1 year' FROM tasks
            )
            INSERT INTO {Case._meta.db_table} (number, service_code, service_name,
              service_name_en, data,
              status, idempotency_key, idempotency_fingerprint, created_at, updated_at,
              applicant_id, department_id,
              form_id, instance_id, item_version_id, run_queued, start_failures)
            SELECT %(prefix)s || (%(first)s + row_number() OVER (ORDER BY id)), %(service)s,
              %(service_name)s, %(service_name_en)s, '{{}}', 'completed', '', '',
              now() - interval '1 year', now() - interval '1 year', %(applicant)s,
              %(department)s, %(form)s, id, %(item_version)s, false, 0
            FROM runs
            """,  # noqa: S608 - table names from the models
            {
                "count": count,
                "definition": template.instance.definition_id,
                "bpmn_id": task.bpmn_id,
                "name": task.name,
                "name_en": task.name_en,
                "lane": task.lane,
                "department": template.department_id,
                "prefix": HISTORY_PREFIX,
                "first": first,
                "service": template.service_code,
                "service_name": template.service_name,
                "service_name_en": template.service_name_en,
                "applicant": template.applicant_id,
                "form": template.form_id,
                "item_version": template.item_version_id,
            },
        )
        cursor.execute("ANALYZE")  # as autovacuum would have by the time anyone looks


def report(say: Callable[[str], None], sizes: Sequence[int] = SIZES) -> None:
    from django.test.utils import setup_databases, teardown_databases

    say("== reads as the history grows (finished cases of 公安 beside the same open work) ==")
    if connection.vendor != "postgresql":
        say(
            "skipped: needs PostgreSQL; run with ONEWINDOW_DATABASE_URL=postgres://… "
            "and ONEWINDOW_SECRET_KEY"
        )
        return
    config = setup_databases(verbosity=0, interactive=False)
    try:
        found = _measure(sizes, say)
    finally:
        teardown_databases(config, verbosity=0)
    say(f"each read at {max(found):,} finished cases over its baseline:")
    largest = found[max(found)]
    ratios = {name: largest[name] / found[0][name] for name in largest}
    say("  " + "   ".join(f"{name} ×{ratio:.2f}" for name, ratio in ratios.items()))


def _measure(sizes: Sequence[int], say: Callable[[str], None]) -> dict[int, dict[str, float]]:
    now = timezone.now()
    SweepCases(shared=OPEN)
    make_late(now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    measured = reads(now)
    found: dict[int, dict[str, float]] = {}
    history = 0
    for size in (0, *sizes):
        if size > history:
            started = time.perf_counter()
            add_history(size - history)
            history = size
            say(f"  (history of {size:,} made in {time.perf_counter() - started:.1f} s)")
        found[size] = {name: best_ms(read) for name, read in measured.items()}
        line = "   ".join(
            f"{name} {ms:7.2f} ms" + (f" (×{ms / found[0][name]:.2f})" if size else " (baseline)")
            for name, ms in found[size].items()
        )
        say(f"{size:>9,} finished cases: {line}")
    return found
