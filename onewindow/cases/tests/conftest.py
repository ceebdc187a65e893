"""The demo city with the demo items bound to their forms and processes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from onewindow.cases import demo, filing, starting
from onewindow.cases.models import Case
from onewindow.catalog import demo as catalog_demo
from onewindow.catalog import services as catalog_services
from onewindow.conftest import run_all
from onewindow.core import testing
from onewindow.identity.demo import load_demo_city
from onewindow.identity.models import LegalPerson, User
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow.models import WorkTask

NEWBORN_ITEMS = [
    "310000-WJ-QR-0001",
    "310000-GA-QR-0001",
    "310000-YB-GG-0001",
    "310000-RS-GG-0001",
    "310000-WJ-GG-0001",
    "310000-YB-GF-0001",
]
PASSPORT = "310000-GA-XK-0001"
COMPANY = "310000-SJ-XK-0001"
ADOPTION = "310000-MZ-QR-0004"
ASSISTANCE = "310101-MZ-GF-0002"


def build_world() -> None:
    """The demo city, its topics, the items the tests use, the newborn life event, and the
    demo forms and processes bound to the items."""
    load_demo_city()
    catalog_services.seed_topics(catalog_demo.read("topics"))
    codes = set(demo.BINDINGS) | set(NEWBORN_ITEMS)
    rows = [row for row in catalog_demo.read("items") if row["code"] in codes]
    catalog_services.seed_items(rows=rows, source="test")
    events = [e for e in catalog_demo.read("life_events") if e["code"] == "newborn"]
    catalog_services.seed_life_events(events)
    processes = demo.load_processes()
    demo.load_forms()
    demo.bind_items(processes)


@pytest.fixture(scope="session")
def world_snapshot(django_db_setup: None, django_db_blocker: Any) -> testing.Snapshot:
    # Built once per test process: about 1,500 ORM queries that half the suite would
    # otherwise repeat (test_world.py checks the copy against a fresh build).
    with django_db_blocker.unblock():
        return testing.capture(build_world)


@pytest.fixture
def world(db: None, world_snapshot: testing.Snapshot) -> dict[str, User]:
    testing.restore(world_snapshot)
    return {user.username: user for user in User.objects.all()}


def answers(user: User, service: str, *, attach: bool = True, **changes: Any) -> dict[str, Any]:
    """Valid answers for the service's form; with ``attach`` the required materials are
    uploaded first (pages upload them through their own file inputs instead)."""
    from onewindow.cases import queries

    company = LegalPerson.objects.filter(agents=user).first()
    form = queries.application_form(service)
    data = demo.sample_answers(
        form,
        id_number=user.id_number or "",
        uscc=company.uscc if company else "",
    )
    if attach:
        data["attachments"] = demo.sample_attachments(user, form)
    data.update(changes)
    return data


def submit(user: User, service: str, **changes: Any) -> Case:
    company = LegalPerson.objects.filter(agents=user).first() if service == COMPANY else None
    case, _new = filing.submit_case(
        applicant=user,
        service=service,
        data=answers(user, service, **changes),
        company=company.uscc if company else "",
    )
    return case


@contextmanager
def start_fails_for(case: Case) -> Iterator[None]:
    """Starting ``case``'s queued run raises (its engine down); other cases start."""
    real = starting._start_runs

    def start(parent: Case, *args: Any) -> None:
        if parent.pk == case.pk:
            raise RuntimeError("engine down")
        real(parent, *args)

    with mock.patch.object(starting, "_start_runs", start):
        yield


def open_task(case: Case, bpmn_id: str) -> WorkTask:
    assert case.instance is not None
    return (
        workflow_queries.tasks_of_instance(case.instance)
        .filter(bpmn_id=bpmn_id, status__in=["ready", "claimed"])
        .get()
    )


def shanghai(day: str, hour: int) -> datetime:
    """``hour`` o'clock on ``day`` (YYYY-MM-DD) in the city's time."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def travel() -> Iterator[Callable[[datetime], None]]:
    """A controllable clock: ``travel(moment)`` jumps there and time runs on from it.
    time-machine patches the process, so the live server's thread (browser tests)
    reads the travelled time too."""
    started: list[Any] = []

    def to(moment: datetime) -> None:
        if started:
            started[1].move_to(moment)
        else:
            traveller = time_machine.travel(moment, tick=True)
            started.extend([traveller, traveller.start()])

    yield to
    if started:
        started[0].stop()


@pytest.fixture
def queued(settings: Any) -> None:
    """Filing queued (ADR 0021): a new case's run starts after commit, in a worker."""
    settings.FILING_QUEUED = True


class LockRace:
    """Two transactions, each paused where it holds its first lock until the other
    holds its own (or ``seconds`` pass). Taken in opposite orders, their locks deadlock;
    in one order, the second waits at its first lock and the first goes on when its
    pause runs out."""

    def __init__(self, monkeypatch: Any, seconds: float = 2.0) -> None:
        self._monkeypatch = monkeypatch
        self._seconds = seconds
        self._holding: list[threading.Event] = []

    def pause(self, owner: Any, name: str, *, after: bool) -> None:
        """Pause in ``owner.name``, before or ``after`` it runs."""
        real = getattr(owner, name)
        mine = threading.Event()
        self._holding.append(mine)

        def paused(*args: Any, **kwargs: Any) -> Any:
            if not after:
                self._meet(mine)
            result = real(*args, **kwargs)
            if after:
                self._meet(mine)
            return result

        self._monkeypatch.setattr(owner, name, paused)

    def _meet(self, mine: threading.Event) -> None:
        mine.set()
        for other in self._holding:
            if other is not mine:
                other.wait(self._seconds)


def racing_a_decision(monkeypatch: Any) -> LockRace:
    """A race whose one side is a decision, paused holding its run and its task. On
    PostgreSQL only: SQLite runs one writer at a time."""
    if connection.vendor != "postgresql":
        pytest.skip("two transactions holding locks at once: SQLite runs one writer")
    from onewindow.workflow import services as workflow_services

    race = LockRace(monkeypatch)
    race.pause(workflow_services, "complete_task", after=True)
    return race


def outcomes_at_once(*calls: Callable[[], object]) -> list[BaseException | None]:
    """Run the calls in threads at once; what each raised (None: nothing)."""
    raised: list[BaseException | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            call()
        except BaseException as exc:  # reported to the test, which asserts on it
            raised[index] = exc
        finally:
            connection.close()

    run_all([threading.Thread(target=run, args=item) for item in enumerate(calls)])
    return raised
