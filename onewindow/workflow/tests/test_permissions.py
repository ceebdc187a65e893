"""Who may claim and complete which task, through the services (which ask permissions.py)."""

from collections.abc import Callable
from functools import partial

import pytest

from onewindow.conftest import make_user
from onewindow.core.errors import Forbidden, NotFound, ServiceError
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role
from onewindow.workflow import permissions, services
from onewindow.workflow.models import WorkTask
from onewindow.workflow.tests.conftest import open_tasks, upload

# (who, role, where) → outcome of claiming the window task (lane 310000-GA/window_officer)
# and the review task (lane 310000-GA/reviewing_officer) of single_department.bpmn, and a
# review of parallel_three.bpmn (lane 310000-GA, no role).
MATRIX = [
    ("GA window officer", Role.WINDOW_OFFICER, "GA", "ok", Forbidden, "ok"),
    ("GA reviewing officer", Role.REVIEWING_OFFICER, "GA", Forbidden, "ok", "ok"),
    ("city reviewing officer", Role.REVIEWING_OFFICER, "root", Forbidden, "ok", "ok"),
    ("WJ reviewing officer", Role.REVIEWING_OFFICER, "WJ", NotFound, NotFound, NotFound),
    ("district officer", Role.WINDOW_OFFICER, "310115-RS", NotFound, NotFound, NotFound),
    ("GA department admin", Role.DEPARTMENT_ADMIN, "GA", Forbidden, Forbidden, Forbidden),
    ("GA supervisor", Role.SUPERVISOR, "GA", Forbidden, Forbidden, Forbidden),
    ("platform admin", Role.PLATFORM_ADMIN, "root", Forbidden, Forbidden, Forbidden),
    ("citizen", Role.CITIZEN, None, NotFound, NotFound, NotFound),
]


def attempt(action: Callable[[], object]) -> object:
    try:
        action()
    except ServiceError as exc:
        return type(exc)
    return "ok"


@pytest.fixture
def tasks(city: dict[str, Department]) -> dict[str, WorkTask]:
    single = services.start_instance(
        definition=upload("permit", "single_department.bpmn"), data={}, actor=None
    )
    window = open_tasks(single)["Task_accept"]
    # A second instance whose review task is ready.
    other = services.start_instance(definition=single.definition, data={}, actor=None)
    services.complete_task(
        actor=make_user(roles=[(Role.WINDOW_OFFICER, city["GA"])]),
        task_id=open_tasks(other)["Task_accept"].pk,
        outcome="accept",
    )
    review = open_tasks(other)["Task_review"]
    joint = services.start_instance(
        definition=upload("joint", "parallel_three.bpmn"), data={}, actor=None
    )
    services.complete_task(
        actor=make_user(roles=[(Role.WINDOW_OFFICER, city["MZ"])]),
        task_id=open_tasks(joint)["Task_accept"].pk,
        outcome="accept",
    )
    return {"window": window, "review": review, "joint": open_tasks(joint)["Task_review_ga"]}


@pytest.mark.parametrize(("who", "role", "where", "window", "review", "joint"), MATRIX)
def test_claim_matrix(
    city: dict[str, Department],
    tasks: dict[str, WorkTask],
    who: str,
    role: str,
    where: str | None,
    window: object,
    review: object,
    joint: object,
) -> None:
    user = make_user(roles=[(role, city[where] if where else None)])
    for name, expected in (("window", window), ("review", review), ("joint", joint)):
        outcome = attempt(partial(services.claim_task, actor=user, task_id=tasks[name].pk))
        assert outcome == expected, f"{who} claiming {name}"


@pytest.mark.parametrize(("who", "role", "where", "window", "review", "joint"), MATRIX)
def test_complete_matrix(
    city: dict[str, Department],
    tasks: dict[str, WorkTask],
    who: str,
    role: str,
    where: str | None,
    window: object,
    review: object,
    joint: object,
) -> None:
    user = make_user(roles=[(role, city[where] if where else None)])
    outcomes = {"window": "accept", "review": "approve", "joint": "approve"}
    for name, expected in (("window", window), ("review", review), ("joint", joint)):
        outcome = attempt(
            partial(
                services.complete_task, actor=user, task_id=tasks[name].pk, outcome=outcomes[name]
            )
        )
        assert outcome == expected, f"{who} completing {name}"


def test_refusals_are_audited(city: dict[str, Department], tasks: dict[str, WorkTask]) -> None:
    from onewindow.audit.models import AuditEvent

    user = make_user(roles=[(Role.REVIEWING_OFFICER, city["GA"])])
    with pytest.raises(Forbidden):
        services.claim_task(actor=user, task_id=tasks["window"].pk)
    event = AuditEvent.objects.order_by("seq").last()
    assert event is not None
    assert (event.action, event.outcome, event.actor_id) == (
        "workflow.task_claimed",
        "denied",
        user.pk,
    )
    assert (event.target_type, event.target_id) == ("workflow.worktask", str(tasks["window"].pk))


def test_claimed_tasks_are_the_claimants(
    city: dict[str, Department], tasks: dict[str, WorkTask]
) -> None:
    first = make_user(roles=[(Role.WINDOW_OFFICER, city["GA"])])
    second: User = make_user(roles=[(Role.WINDOW_OFFICER, city["GA"])])
    task = services.claim_task(actor=first, task_id=tasks["window"].pk)
    assert permissions.can_complete(first, task)
    assert not permissions.can_complete(second, task)
    assert not permissions.can_claim(second, task)
    assert permissions.can_release(first, task)
    assert not permissions.can_release(second, task)


def test_a_task_without_department_is_nobodys(
    tasks: dict[str, WorkTask], city: dict[str, Department]
) -> None:
    task = tasks["window"]
    task.department = None
    admin = make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])])
    assert not permissions.can_work_on(admin, task)


def test_the_departments_that_keep_an_admin_from_uploading(
    city: dict[str, Department],
) -> None:
    lanes = [city["GA"], city["WJ"], city["310115-RS"]]
    ga_admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["GA"])])
    assert permissions.departments_not_managed(ga_admin, lanes) == [city["WJ"], city["310115-RS"]]
    assert not permissions.can_upload_definition(ga_admin, lanes)
    city_admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["root"])])  # over all of them
    assert permissions.departments_not_managed(city_admin, lanes) == []
    assert permissions.can_upload_definition(city_admin, lanes)
    officer = make_user(roles=[(Role.REVIEWING_OFFICER, city["GA"])])
    assert permissions.departments_not_managed(officer, lanes) == lanes
