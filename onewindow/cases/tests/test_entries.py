"""The role a timeline entry records for an officer (``entries.step_role``): the step's
lane's; where the lane names none, the role the officer holds whose work the step's
outcome is, so that an officer holding both window and review roles is recorded as the
reviewer when approving and as the window when accepting."""

from __future__ import annotations

import pytest

from onewindow.cases.entries import step_role
from onewindow.conftest import make_user
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.workflow.models import WorkTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def health(world) -> Department:
    return Department.objects.get(code="310000-WJ")


@pytest.fixture
def both(health):
    return make_user(roles=[(Role.WINDOW_OFFICER, health), (Role.REVIEWING_OFFICER, health)])


def task(department: Department, outcome: str = "", role: str = "") -> WorkTask:
    return WorkTask(name="审核", department=department, outcome=outcome, role=role)


@pytest.mark.parametrize(
    ("outcome", "recorded"),
    [
        ("accept", Role.WINDOW_OFFICER),
        ("not_accepted", Role.WINDOW_OFFICER),
        ("approve", Role.REVIEWING_OFFICER),
        ("reject", Role.REVIEWING_OFFICER),
        ("complete", Role.WINDOW_OFFICER),  # anyone's: the first the officer holds
    ],
)
def test_a_lane_without_a_role_records_the_role_whose_work_the_outcome_is(
    health, both, outcome, recorded
):
    assert step_role(task(health, outcome), both) == recorded


def test_the_lanes_role_comes_first(health, both):
    assert step_role(task(health, "approve", Role.WINDOW_OFFICER), both) == Role.WINDOW_OFFICER


def test_an_officer_without_the_role_of_the_work_is_recorded_in_the_one_they_hold(health):
    window = make_user(roles=[(Role.WINDOW_OFFICER, health)])
    lead = make_user(roles=[(Role.DEPARTMENT_LEAD, health)])
    assert step_role(task(health, "approve"), window) == Role.WINDOW_OFFICER
    assert step_role(task(health, "approve"), lead) == Role.DEPARTMENT_LEAD


def test_an_undecided_step_is_told_by_the_outcomes_it_offers(health, both):
    """A supplement request, asked before the step is decided."""
    assert step_role(task(health), both, ("approve", "reject")) == Role.REVIEWING_OFFICER
    assert step_role(task(health), both, ("accept", "not_accepted")) == Role.WINDOW_OFFICER
    assert step_role(task(health), both) == Role.WINDOW_OFFICER
