"""Which cases an officer's read reaches (``officer_filter``), and what the read costs
PostgreSQL as a department's history grows."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.utils import timezone

from onewindow.cases import queries
from onewindow.cases.models import Case
from onewindow.cases.permissions import applicant_filter, officer_filter
from onewindow.cases.tests.conftest import ADOPTION, PASSPORT, submit
from onewindow.core.testing import rows_read
from onewindow.workflow.choices import TaskStatus
from onewindow.workflow.models import ProcessInstance, WorkTask


def _seen_by(user, *cases: Case) -> set[str]:
    found = Case.objects.filter(officer_filter(user), pk__in=[c.pk for c in cases])
    return set(found.values_list("number", flat=True))


def test_an_officer_sees_the_cases_with_a_task_in_their_departments(world):
    passport = submit(world["citizen.wang"], PASSPORT)  # 公安 (310000-GA)
    adoption = submit(world["citizen.chen"], ADOPTION)  # 民政 (310000-MZ)
    assert _seen_by(world["ga.window"], passport, adoption) == {passport.number}
    assert _seen_by(world["mz.window"], passport, adoption) == {adoption.number}
    # Not an officer: nothing, even their own case (that is applicant_filter's).
    assert _seen_by(world["citizen.wang"], passport, adoption) == set()
    mine = Case.objects.filter(applicant_filter(world["citizen.wang"]))
    assert set(mine.values_list("number", flat=True)) == {passport.number}


def test_a_finished_task_still_shows_its_case_to_the_department(world):
    passport = submit(world["citizen.wang"], PASSPORT)
    assert passport.instance is not None
    passport.instance.tasks.update(
        status=TaskStatus.COMPLETED, completed_at=timezone.now(), outcome="accept"
    )
    assert _seen_by(world["ga.window"], passport) == {passport.number}


# Finished tasks of the department on other cases, 8 a run. Enough that hashing them all
# costs PostgreSQL more than looking up the case's own: at 400 on one run (which made it
# expect 200 a run), or 400 on 50 runs, it hashed all of them, the plans' costs close.
HISTORY = 4000
HISTORY_RUNS = 500


def test_reading_one_case_reads_its_own_tasks_not_the_departments_history(world):
    if connection.vendor != "postgresql":
        pytest.skip("counts rows read with PostgreSQL's statistics functions")
    officer, case = world["ga.window"], submit(world["citizen.wang"], PASSPORT)
    other = submit(world["citizen.wang"], PASSPORT)
    assert case.instance is not None and other.instance is not None
    department = case.instance.tasks.get().department
    # Past runs: copies of another case's.
    past = ProcessInstance.objects.bulk_create(
        ProcessInstance(
            definition_id=other.instance.definition_id,
            state=other.instance.state,
            serializer_version=other.instance.serializer_version,
            status=other.instance.status,
        )
        for _ in range(HISTORY_RUNS)
    )
    WorkTask.objects.bulk_create(
        WorkTask(
            instance=past[n % HISTORY_RUNS],
            spiff_task_id=str(uuid.uuid4()),
            bpmn_id="Task_old",
            name="旧任务",
            department=department,
            status=TaskStatus.COMPLETED,
            completed_at=timezone.now(),
            outcome="accept",
        )
        for n in range(HISTORY)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_worktask")  # as autovacuum would have by now
    before = rows_read(WorkTask)
    assert queries.case_for(officer, case.number) == case
    # An ``instance IN (the departments' tasks)`` filter read every one of them.
    assert rows_read(WorkTask) - before < 10
