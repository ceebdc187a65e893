"""The history benchmark's generated past is whole (a finished run, its completed task
and that task's holding per case) and changes none of the answers the timed reads give.
Nothing here measures anything (figures are for ``make bench``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from onewindow.cases import bench_history
from onewindow.cases.bench_sweep import SweepCases
from onewindow.cases.models import Case
from onewindow.workflow.choices import InstanceStatus, TaskStatus
from onewindow.workflow.models import TaskHolding, WorkTask

OPEN = 3


@pytest.fixture
def open_work(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark writes its history with PostgreSQL's generate_series")
    SweepCases(shared=OPEN)
    bench_history.make_late(timezone.now())


def test_the_history_is_whole_and_numbered_once(open_work: None) -> None:
    bench_history.add_history(20)
    bench_history.add_history(30)
    past = Case.objects.filter(number__startswith=bench_history.HISTORY_PREFIX)
    assert past.count() == len(set(past.values_list("number", flat=True))) == 50
    for case in past.select_related("instance")[:10]:
        assert case.instance is not None and case.instance.status == InstanceStatus.COMPLETED
        [task] = WorkTask.objects.filter(instance=case.instance)
        assert task.status == TaskStatus.COMPLETED and task.department_id == case.department_id
        [holding] = TaskHolding.objects.filter(task=task)
        assert holding.ended_at is not None


def test_the_reads_answer_the_same_beside_the_history(open_work: None) -> None:
    now = timezone.now()
    measured = bench_history.reads(now, open_cases=OPEN)

    def answers() -> dict[str, object]:
        case = measured["an officer opens a case"]()
        late = measured["the supervisor's late cases"]()
        page = measured["the inbox's first page"]()
        return {
            "case": case.pk,  # type: ignore[attr-defined]
            "late": sorted(c.case.pk for c in late.cases),  # type: ignore[attr-defined]
            "inbox": [t.pk for t in page],  # type: ignore[attr-defined]
        }

    before = answers()
    assert len(before["late"]) >= OPEN  # type: ignore[arg-type]
    bench_history.add_history(200)
    assert answers() == before
    assert bench_history.best_ms(measured["an officer opens a case"]) > 0
