"""A stored process version that today's upload checks refuse (manage.py
check_processes): its cases run on, and the command names it, its running cases and
every problem."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.workflow.tests.conftest import stored_before_the_check, upload
from onewindow.workflow.tests.test_services import Officer, start, step

pytestmark = pytest.mark.django_db


def test_every_stored_version_passing_is_said_so(city: dict[str, Department]) -> None:
    upload("permit", "single_department.bpmn")
    upload("company", "company_start.bpmn")
    out = StringIO()
    call_command("check_processes", stdout=out)
    assert out.getvalue() == "all 2 stored process version(s) pass today's upload checks\n"


def test_a_version_refused_today_runs_its_cases_and_is_listed(
    city: dict[str, Department], officer: Officer
) -> None:
    upload("company", "company_start.bpmn")
    definition = stored_before_the_check(upload("permit", "single_department.bpmn"))
    instance = start(definition)
    step(instance, "Task_accept", "accept", officer("GA", Role.WINDOW_OFFICER))
    start(definition)
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 stored process version"):
        call_command("check_processes", "--language", "en", stdout=out)
    assert out.getvalue().splitlines() == [
        f"permit v1 ({definition.name}): 2 running case(s), 1 problem(s)",
        "  - userTask Task_accept sets camunda:candidateGroups, which is not read here: who "
        "works on a task comes from its lane (a department code, optionally with an officer "
        "role).",
    ]


def test_the_problems_are_told_in_the_language_asked(city: dict[str, Department]) -> None:
    stored_before_the_check(upload("permit", "single_department.bpmn"))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_processes", "--language", "zh-hans", stdout=out)
    assert "userTask Task_accept 设置了 camunda:candidateGroups，本平台不读取" in out.getvalue()
