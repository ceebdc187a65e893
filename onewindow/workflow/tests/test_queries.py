import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.conftest import make_user
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.workflow import queries, services
from onewindow.workflow.models import WorkTask
from onewindow.workflow.tests.conftest import open_tasks, upload


@pytest.fixture
def tasks(city: dict[str, Department]) -> dict[str, WorkTask]:
    permit = upload("permit", "single_department.bpmn")
    first = services.start_instance(definition=permit, data={}, actor=None)
    second = services.start_instance(definition=permit, data={}, actor=None)
    services.complete_task(
        actor=make_user(roles=[(Role.WINDOW_OFFICER, city["GA"])]),
        task_id=open_tasks(second)["Task_accept"].pk,
        outcome="accept",
    )
    joint = services.start_instance(
        definition=upload("joint", "parallel_three.bpmn"), data={}, actor=None
    )
    return {
        "window": open_tasks(first)["Task_accept"],
        "review": open_tasks(second)["Task_review"],
        "mz_window": open_tasks(joint)["Task_accept"],
    }


def test_inbox_holds_what_the_user_can_work_on(
    city: dict[str, Department], tasks: dict[str, WorkTask]
) -> None:
    window = make_user(roles=[(Role.WINDOW_OFFICER, city["GA"])])
    reviewer = make_user(roles=[(Role.REVIEWING_OFFICER, city["GA"])])
    both = make_user(roles=[(Role.WINDOW_OFFICER, city["GA"]), (Role.WINDOW_OFFICER, city["MZ"])])
    supervisor = make_user(roles=[(Role.SUPERVISOR, city["root"])])
    citizen = make_user(roles=[(Role.CITIZEN, None)])
    assert list(queries.inbox(window)) == [tasks["window"]]
    assert list(queries.inbox(reviewer)) == [tasks["review"]]
    assert list(queries.inbox(both)) == [tasks["window"], tasks["mz_window"]]
    assert list(queries.inbox(supervisor)) == []
    assert list(queries.inbox(citizen)) == []


def test_inbox_keeps_claimed_tasks_and_drops_completed_ones(
    city: dict[str, Department], tasks: dict[str, WorkTask]
) -> None:
    window = make_user(roles=[(Role.WINDOW_OFFICER, city["GA"])])
    services.claim_task(actor=window, task_id=tasks["window"].pk)
    [claimed] = queries.inbox(window)
    assert (claimed.status, claimed.claimed_by) == ("claimed", window)
    services.complete_task(actor=window, task_id=claimed.pk, outcome="accept")
    assert list(queries.inbox(window)) == []


def test_inbox_query_count_does_not_grow_with_tasks(
    city: dict[str, Department], tasks: dict[str, WorkTask]
) -> None:
    window = make_user(roles=[(Role.WINDOW_OFFICER, city["GA"])])
    list(queries.inbox(window))  # warms the user's cached roles

    def render() -> int:
        with CaptureQueriesContext(connection) as captured:
            for task in queries.inbox(window):
                _ = (task.department.code, task.instance.definition.key, task.claimed_by)
        return len(captured.captured_queries)

    before = render()
    permit = tasks["window"].instance.definition
    for _ in range(3):
        services.start_instance(definition=permit, data={}, actor=None)
    assert queries.inbox(window).count() == 4
    assert render() == before == 1


def test_task_for_officer_hides_other_departments(
    city: dict[str, Department], tasks: dict[str, WorkTask]
) -> None:
    police = make_user(roles=[(Role.SUPERVISOR, city["GA"])])
    health = make_user(roles=[(Role.REVIEWING_OFFICER, city["WJ"])])
    assert queries.task_for_officer(police, tasks["review"].pk) == tasks["review"]
    with pytest.raises(WorkTask.DoesNotExist):
        queries.task_for_officer(health, tasks["review"].pk)
    with pytest.raises(WorkTask.DoesNotExist):
        queries.task_for_officer(police, 999999)


def test_tasks_of_instance_and_latest_definition(
    city: dict[str, Department], tasks: dict[str, WorkTask]
) -> None:
    instance = tasks["review"].instance
    assert [t.bpmn_id for t in queries.tasks_of_instance(instance)] == [
        "Task_accept",
        "Task_review",
    ]
    newer = upload("permit", "single_department.bpmn")
    assert queries.latest_definition("permit") == newer
