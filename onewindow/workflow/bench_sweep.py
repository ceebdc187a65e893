"""The time-limit sweep over generated open tasks (issue #5, "Measure"): time per sweep at
100,000 to 1,000,000 open tasks, on a throwaway PostgreSQL database.

What is generated, and why the sweep treats it exactly like real work
----------------------------------------------------------------------
Rows are written with ``INSERT … SELECT generate_series`` (a million tasks would take
hours through the engine), but each is a row the services could have written:

- Every task has a clock computed by ``clocks.py`` on the real calendar: limits of 1, 3,
  5 and 20 working days, started a number of working days before "today" (Wednesday
  2026-06-10, 15:00), with the alert level the sweep would have reached by then. Ages
  follow a steady state in which 40% of open tasks are finished each working day, so
  most are young and some are overdue, as in an inbox.
- Ten percent are passport reviews (limit 5) with their three working-day timers (P4D
  reminder, P5D lead, P7D supervisor), each in its own run: a copy of a real accepted
  passport run, whose stored state waits on exactly these timers, with a copy of its
  case (``cases.bench_sweep``). A timer fires through the engine as in production. Reviews
  are at most 4 working days old, so no timer came due before "today".
- The other tasks share a few real runs of passport cases at acceptance. Those runs
  have no timers, so no engine step ever reconciles (and cancels) the extra tasks; the
  sweep only reads a task's run to find its case.
- Each task has its one open holding: its department's inbox, or (one in three) the
  officer of the demo city who claimed it.

What is measured
----------------
Working-day limits end at local midnight and turn yellow at the start of a day, so
clocks cross their thresholds at 00:00, all of a day's at once; an ordinary minute has
nothing due. Hence, at each size:

- idle: a sweep in the afternoon (nothing due): the baseline, the index lookups;
- midnight: the first sweep after 00:00 on Thursday: a whole working day's alerts and
  timers, the sweep's peak load, every working day;
- catch-up: the first sweep after a day of downtime, at 00:00 on Saturday: Friday's and
  Saturday's crossings (a task crossing both thresholds is announced once, as overdue).

Notifications are written to the outbox as in production; their after-commit enqueueing
goes to kombu's in-memory transport, purged after each sweep, so no worker sends them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection, transaction

from onewindow.identity.models import RoleAssignment
from onewindow.identity.roles import Role
from onewindow.workdays.calendar import WorkingCalendar, get_calendar
from onewindow.workflow import bench_helpers, clocks, sweep
from onewindow.workflow.choices import AlertLevel
from onewindow.workflow.models import (
    Clock,
    Escalation,
    ProcessInstance,
    ProcessTimer,
    TaskHolding,
    WorkTask,
)

# Sizes measured: these fractions of the largest (100k, 250k, 500k and 1M for 1M).
FRACTIONS = (0.1, 0.25, 0.5, 1.0)
# What `make bench` measures up to unless told (--sweep-max 1000000 for the issue's
# question). Midnight and catch-up together cost about 2 ms per open task on a 2-core
# machine (mostly the catch-up's timers), so 50,000 keeps this section to a few minutes.
LARGEST = 50_000
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 6, 10, 15, 0, tzinfo=SHANGHAI)  # a Wednesday
MIDNIGHT = datetime(2026, 6, 11, 0, 0, 30, tzinfo=SHANGHAI)
CATCH_UP = datetime(2026, 6, 13, 0, 0, 30, tzinfo=SHANGHAI)  # down since Thursday 00:01
LIMITS = ((1, 0.2), (3, 0.3), (5, 0.4), (20, 0.1))  # working days, share of plain tasks
STAYING = 0.6  # share of open tasks still open one working day later
MAX_AGE = 30
REVIEW_SHARE = 0.1
REVIEW_TIMERS = (
    ("Timer_review_remind", 4),
    ("Timer_review_lead", 5),
    ("Timer_review_supervisor", 7),
)
CLAIMED_EVERY = 3
# The moments swept at each size; a run may take fewer (catch-up is the slowest: at 1M
# open tasks it alone outlasts the others together). Without the midnight sweep before
# it, catch-up also has Thursday's crossings, the midnight sweep's work.
MOMENTS = ("idle", "midnight", "catch-up")


class CaseSide(Protocol):
    """What the cases app provides (``cases.bench_sweep.SweepCases``)."""

    shared_instances: list[int]
    template_instance: int

    def clone(self, instance_ids: Sequence[int]) -> None: ...

    def reset(self) -> None: ...


@dataclass(frozen=True)
class Bucket:
    """Generated tasks ``lo``..``hi`` share a limit, a start and so a clock."""

    lo: int
    hi: int
    clock: Clock
    timers: tuple[datetime | None, ...]  # due moments of the review's timers; () if none


@dataclass(frozen=True)
class Sweep:
    seconds: float
    queries: int
    report: sweep.SweepReport

    @property
    def handled(self) -> int:
        r = self.report
        return r.warned + r.overdue + r.timers_fired + r.timers_failed


def _start_of_age(age: int, calendar: WorkingCalendar) -> datetime:
    """10:00 on the working day from which ``age`` working days have passed by TODAY."""
    day = TODAY.date()
    while calendar.working_days_between(day, TODAY.date()) < age or not calendar.is_working_day(
        day
    ):
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


def _clock(limit: int, age: int, calendar: WorkingCalendar) -> Clock:
    clock = clocks.new_clock(limit_days=limit, at=_start_of_age(age, calendar), calendar=calendar)
    assert clock.due_at is not None and clock.warn_at is not None
    if clock.due_at <= TODAY:
        clock.alert_level = AlertLevel.OVERDUE
    elif clock.warn_at <= TODAY:
        clock.alert_level = AlertLevel.WARNED
    clocks.schedule(clock, calendar)  # next_alert_at for that level
    return clock


def _ages(count: int, oldest: int) -> list[tuple[int, int]]:
    """``count`` tasks spread over ages 0..oldest by the steady state: (age, how many)."""
    weights = [STAYING**age for age in range(oldest + 1)]
    total = sum(weights)
    spread = [(age, round(count * w / total)) for age, w in enumerate(weights)]
    spread[0] = (0, spread[0][1] + count - sum(n for _, n in spread))
    return [(age, n) for age, n in spread if n > 0]


def buckets(size: int) -> tuple[list[Bucket], int]:
    """The generated tasks by clock, reviews first; and how many reviews."""
    calendar = get_calendar()
    result: list[Bucket] = []
    reviews = int(size * REVIEW_SHARE)

    def add(count: int, clock: Clock, timers: tuple[datetime | None, ...]) -> None:
        lo = result[-1].hi + 1 if result else 1
        result.append(Bucket(lo, lo + count - 1, clock, timers))

    for age, count in _ages(reviews, 4):
        clock = _clock(5, age, calendar)
        add(count, clock, tuple(clocks.due_after(clock, n, calendar) for _, n in REVIEW_TIMERS))
    for limit, share in LIMITS:
        for age, count in _ages(round((size - reviews) * share), MAX_AGE):
            add(count, _clock(limit, age, calendar), ())
    return result, reviews


# --- generation -------------------------------------------------------------------


def _next_id(cursor: Any, model: type[Any]) -> int:
    """The highest id the table has held: rows of an earlier size were deleted, but what
    the sweeps wrote about them (notification dedupe keys name clock ids) was not."""
    table = model._meta.db_table
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute(
        f"SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), "  # noqa: S608
        f"(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}))"
    )
    return int(cursor.fetchone()[0])


def _lanes() -> list[tuple[int, str, int]]:
    """(department, role, officer) for each window or reviewing role of the demo city."""
    return list(
        RoleAssignment.objects.filter(
            role__in=[Role.WINDOW_OFFICER, Role.REVIEWING_OFFICER], department__isnull=False
        )
        .order_by("department__code", "role", "user_id")
        .values_list("department_id", "role", "user_id")
    )


BUCKET_TABLE = """CREATE TEMP TABLE bench_bucket (
    lo int, hi int, limit_days int, started_at timestamptz, due_at timestamptz,
    warn_at timestamptz, alert_level int, next_alert_at timestamptz,
    t1 timestamptz, t2 timestamptz, t3 timestamptz) ON COMMIT DROP"""

# One statement per table; %(name)s are the parameters below. Task g (1..size) has clock
# clock0 + g, task task0 + g, holding holding0 + g; review g (1..reviews) runs in
# instance instance0 + g and has timers timer0 + 3g - 2 .. timer0 + 3g.
GENERATE = [
    """INSERT INTO workflow_clock (id, limit_days, extended_days, state, started_at,
        segment_started_at, used_days, due_at, warn_at, alert_level, next_alert_at, problem,
        announce_pending)
    SELECT %(clock0)s + g, b.limit_days, 0, 'running', s, s, 0, b.due_at, b.warn_at,
        b.alert_level, b.next_alert_at, '', false
    FROM bench_bucket b, generate_series(b.lo, b.hi) g,
        LATERAL (SELECT b.started_at + (g %% 300) * interval '1 minute' AS s) t""",
    """INSERT INTO workflow_processinstance (id, definition_id, state, serializer_version,
        status, result, revision, created_at, updated_at)
    SELECT %(instance0)s + g, definition_id, state, serializer_version, status, result,
        revision, created_at, updated_at
    FROM workflow_processinstance, generate_series(1, %(reviews)s) g
    WHERE id = %(template)s""",
    """INSERT INTO workflow_worktask (id, instance_id, spiff_task_id, bpmn_id, name, name_en,
        lane, department_id, role, status, claimed_by_id, claimed_at, outcome, comment,
        note_for_applicant, clock_id, created_at)
    SELECT %(task0)s + g,
        CASE WHEN g <= %(reviews)s THEN %(instance0)s + g
             ELSE (%(shared)s::bigint[])[1 + g %% cardinality(%(shared)s::bigint[])] END,
        CASE WHEN g <= %(reviews)s THEN r.spiff_task_id
             ELSE md5('bench' || (%(task0)s + g))::uuid::text END,
        CASE WHEN g <= %(reviews)s THEN r.bpmn_id ELSE 'Task_step' END,
        r.name, r.name_en, r.lane,
        CASE WHEN g <= %(reviews)s THEN r.department_id ELSE (%(departments)s::bigint[])[l] END,
        CASE WHEN g <= %(reviews)s THEN r.role ELSE (%(roles)s::text[])[l] END,
        CASE WHEN g %% %(claimed_every)s = 0 THEN 'claimed' ELSE 'ready' END,
        CASE WHEN g %% %(claimed_every)s = 0 THEN
             CASE WHEN g <= %(reviews)s THEN %(reviewer)s ELSE (%(officers)s::bigint[])[l] END
        END,
        CASE WHEN g %% %(claimed_every)s = 0 THEN c.started_at + interval '10 minutes' END,
        '', '', '', c.id, c.started_at
    FROM generate_series(1, %(size)s) g
    JOIN workflow_clock c ON c.id = %(clock0)s + g
    JOIN workflow_worktask r ON r.id = %(template_task)s,
    LATERAL (SELECT 1 + g %% cardinality(%(roles)s::text[]) AS l) lane""",
    """INSERT INTO workflow_taskholding (id, task_id, kind, officer_id, department_id,
        started_at)
    SELECT %(holding0)s + g, t.id,
        CASE WHEN t.claimed_by_id IS NULL THEN 'queue' ELSE 'officer' END,
        t.claimed_by_id, t.department_id, COALESCE(t.claimed_at, t.created_at)
    FROM generate_series(1, %(size)s) g JOIN workflow_worktask t ON t.id = %(task0)s + g""",
    """INSERT INTO workflow_processtimer (id, instance_id, spiff_task_id, bpmn_id, value,
        task_id, armed_at, working_days, due_at, status)
    SELECT %(timer0)s + 3 * g - 3 + n, %(instance0)s + g, tt.spiff_task_id, tt.bpmn_id,
        tt.value, %(task0)s + g, b.started_at, tt.working_days,
        (ARRAY[b.t1, b.t2, b.t3])[n], 'waiting'
    FROM bench_bucket b, generate_series(b.lo, LEAST(b.hi, %(reviews)s)) g,
        generate_series(1, 3) n
    JOIN workflow_processtimer tt ON tt.instance_id = %(template)s
        AND tt.bpmn_id = (%(timer_names)s::text[])[n]
    WHERE b.lo <= %(reviews)s""",
]
SEQUENCES = (Clock, ProcessInstance, WorkTask, TaskHolding, ProcessTimer)


def generate(size: int, cases: CaseSide) -> int:
    """Write ``size`` open tasks with their clocks, holdings, reviews' runs, cases and
    timers; returns how many are reviews."""
    table, reviews = buckets(size)
    lanes = _lanes()
    template_task = WorkTask.objects.get(instance_id=cases.template_instance, bpmn_id="Task_review")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bucket")  # a test's enclosing transaction
        cursor.execute(BUCKET_TABLE)
        cursor.executemany(
            "INSERT INTO bench_bucket VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    b.lo,
                    b.hi,
                    b.clock.limit_days,
                    b.clock.started_at,
                    b.clock.due_at,
                    b.clock.warn_at,
                    b.clock.alert_level,
                    b.clock.next_alert_at,
                    *(b.timers or (None, None, None)),
                )
                for b in table
            ],
        )
        instance0 = _next_id(cursor, ProcessInstance)
        params: dict[str, Any] = {
            "size": size,
            "reviews": reviews,
            "clock0": _next_id(cursor, Clock),
            "instance0": instance0,
            "task0": _next_id(cursor, WorkTask),
            "holding0": _next_id(cursor, TaskHolding),
            "timer0": _next_id(cursor, ProcessTimer),
            "template": cases.template_instance,
            "template_task": template_task.pk,
            "shared": cases.shared_instances,
            "departments": [d for d, _, _ in lanes],
            "roles": [r for _, r, _ in lanes],
            "officers": [o for _, _, o in lanes],
            "reviewer": _reviewer(template_task),
            "claimed_every": CLAIMED_EVERY,
            "timer_names": [name for name, _ in REVIEW_TIMERS],
        }
        for statement in GENERATE:
            cursor.execute(statement, params)
        for model in SEQUENCES:
            table_name = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table_name}))"
            )
        cases.clone(range(instance0 + 1, instance0 + reviews + 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return reviews


def _reviewer(task: WorkTask) -> int:
    assert task.department_id is not None
    return int(
        RoleAssignment.objects.filter(department_id=task.department_id, role=task.role)
        .order_by("user_id")
        .values_list("user_id", flat=True)[0]
    )


class Generation:
    """Remembers the last id of every table the generation and the sweeps write, so
    that the rows of one size can be removed before the next."""

    MODELS = (Escalation, ProcessTimer, TaskHolding, WorkTask, Clock, ProcessInstance)

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            self.last = {model: _next_id(cursor, model) for model in self.MODELS}

    def remove(self, cases: CaseSide) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cases.reset()
            through = Escalation.recipients.through._meta.db_table
            cursor.execute(
                f"DELETE FROM {through} WHERE escalation_id > %s",  # noqa: S608
                [self.last[Escalation]],
            )
            for model in self.MODELS:
                cursor.execute(
                    f"DELETE FROM {model._meta.db_table} WHERE id > %s",  # noqa: S608
                    [self.last[model]],
                )


# --- measuring --------------------------------------------------------------------


@contextmanager
def _counting() -> Iterator[list[int]]:
    count = [0]

    def wrapper(execute: Callable[..., Any], *args: Any) -> Any:
        count[0] += 1
        return execute(*args)

    with connection.execute_wrapper(wrapper):
        yield count


def timed_sweep(moment: datetime, helpers: int = 0) -> Sweep:
    """One sweep at ``moment``, with ``helpers`` other processes set on its timers (the
    time runs until they are done too; queries are the sweep's own)."""
    from onewindow.worker import app

    with connection.cursor() as cursor:
        # Statistics as autovacuum keeps them on a running system; without them the
        # planner takes the outbox and notifications, empty when generated, as tiny.
        cursor.execute("ANALYZE")
    with (
        bench_helpers.helpers(helpers) as pool,
        time_machine.travel(moment, tick=True),
        _counting() as queries,
    ):
        started = time.perf_counter()
        report = sweep.sweep(start_helpers=pool.start if helpers else None)
        fired, failed = pool.finish()
        seconds = time.perf_counter() - started
    report.timers_fired += fired
    report.timers_failed += failed
    app.control.purge()
    return Sweep(seconds, queries[0], report)


def measure(
    size: int,
    cases: CaseSide,
    say: Callable[[str], None],
    moments: Sequence[str] = MOMENTS,
    helpers: int = 0,
) -> dict[str, Sweep]:
    started = time.perf_counter()
    reviews = generate(size, cases)
    say(
        f"{size:>9,} open tasks ({reviews:,} reviews with 3 timers each) generated in "
        f"{time.perf_counter() - started:.1f} s"
    )
    idle = [timed_sweep(TODAY + timedelta(minutes=minute)) for minute in (1, 2, 3)]
    results = {"idle": min(idle, key=lambda s: s.seconds)}
    if "midnight" in moments:
        results["midnight"] = timed_sweep(MIDNIGHT, helpers)
        results["after"] = timed_sweep(MIDNIGHT + timedelta(minutes=1))
    if "catch-up" in moments:
        results["catch-up"] = timed_sweep(CATCH_UP, helpers)
    for label, result in results.items():
        r = result.report
        per = result.seconds / result.handled * 1000 if result.handled else 0
        say(
            f"   {label:<9} {result.seconds:9.3f} s  warned {r.warned:>7,}  overdue "
            f"{r.overdue:>7,}  timers {r.timers_fired:>6,} (failed {r.timers_failed})  "
            f"{result.queries:>9,} queries" + (f"  {per:.2f} ms per item" if result.handled else "")
        )
        if result.handled:
            parts = "  ".join(f"{k} {v:.1f} s" for k, v in r.seconds.items())
            say(f"             {parts}  (alert batches redone: {r.batches_redone})")
    assert statistics.mean(s.handled for s in idle) == 0, "an idle sweep found work"
    return results


def report(
    say: Callable[[str], None],
    *,
    largest: int,
    cases_factory: Callable[[], CaseSide],
    moments: Sequence[str] = MOMENTS,
    helpers: int = 0,
) -> None:
    """Generate each size up to ``largest`` on a throwaway database and sweep it at
    ``moments`` (the idle sweep is always measured: it is the baseline), with
    ``helpers`` processes sharing the timers of the sweeps that have work."""
    from django.test.utils import setup_databases, teardown_databases

    from onewindow.worker import app

    say(
        "== time-limit sweep over generated open tasks"
        + (f", {helpers} helper processes on the timers ==" if helpers else " ==")
    )
    if connection.vendor != "postgresql":
        say(
            "skipped: needs PostgreSQL (SKIP LOCKED, generate_series); run with "
            "ONEWINDOW_DATABASE_URL=postgres://… (and ONEWINDOW_SECRET_KEY) to measure it"
        )
        return
    sizes = [round(largest * fraction) for fraction in FRACTIONS]
    app.conf.update(broker_url="memory://")
    config = setup_databases(verbosity=0, interactive=False)
    try:
        with time_machine.travel(TODAY, tick=True):
            cases = cases_factory()
            generation = Generation()
        found: dict[int, dict[str, Sweep]] = {}
        for size in sizes:
            if found:
                generation.remove(cases)
            found[size] = measure(size, cases, say, moments, helpers)
    finally:
        teardown_databases(config, verbosity=0)
    _growth(found, say)


def _growth(found: dict[int, dict[str, Sweep]], say: Callable[[str], None]) -> None:
    small, large = min(found), max(found)
    say(f"growth from {small:,} to {large:,} open tasks (×{large / small:g}):")
    for label in MOMENTS:
        if label not in found[large]:
            continue
        a, b = found[small][label], found[large][label]
        work = f"work ×{b.handled / a.handled:.2f}, " if a.handled else ""
        say(f"   {label:<9} time ×{b.seconds / a.seconds:.2f} ({work}tasks ×{large / small:g})")
