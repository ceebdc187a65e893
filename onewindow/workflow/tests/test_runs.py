import pytest

from onewindow.core.errors import Conflict
from onewindow.identity.models import Department
from onewindow.workflow import engine, limits, registry, runs, services
from onewindow.workflow.models import ProcessInstance
from onewindow.workflow.registry import ServiceCall, ServiceContext
from onewindow.workflow.tests.conftest import read_process, upload


def test_save_refuses_a_stale_revision(city: dict[str, Department]) -> None:
    instance = services.start_instance(
        definition=upload("permit", "single_department.bpmn"), data={}, actor=None
    )
    stale = ProcessInstance.objects.get(pk=instance.pk)
    run = runs.load(stale, ServiceContext())
    instance.save()  # someone else wrote meanwhile
    with pytest.raises(Conflict, match="changed meanwhile"):
        runs.save(stale, run)


def test_lane_departments_resolve_codes(city: dict[str, Department]) -> None:
    spec = runs.spec_of(upload("newborn", "newborn.bpmn"))
    assert runs.lane_departments(spec.facts) == {
        code: city[code.split("-")[1]]
        for code in ("310000-WJ", "310000-GA", "310000-YB", "310000-RS")
    }


@pytest.mark.parametrize("when", ["before the first load", "after the first load"])
def test_a_removed_platform_function_fails_the_step_cleanly(
    city: dict[str, Department], when: str
) -> None:
    def temporary(call: ServiceCall) -> None:
        return None

    registry.register("test_temporary")(temporary)
    # A different file per case: parsed specs are cached by definition id and content.
    text = (
        read_process("single_department.bpmn")
        .replace("record_result", "test_temporary")
        .replace('name="单部门审批"', f'name="{when}"')
    )
    definition = services.upload_definition(actor=None, key="t", name="t", bpmn_xml=text)
    if when == "after the first load":
        runs.spec_of(definition)
    registry.unregister("test_temporary")
    if when == "before the first load":
        with pytest.raises(engine.ProcessError, match="no longer be loaded"):
            runs.spec_of(definition)
        with pytest.raises(Conflict):
            services.start_instance(definition=definition, data={}, actor=None)
        return
    context = ServiceContext()
    run = engine.start(runs.spec_of(definition), {}, context=context)
    [accept] = engine.ready_user_tasks(run)
    engine.complete_user_task(run, accept.id, outcome="accept", data={}, context=context)
    [review] = engine.ready_user_tasks(run)
    with pytest.raises(engine.ProcessError, match="test_temporary"):
        engine.complete_user_task(run, review.id, outcome="approve", data={}, context=context)


def test_firing_an_unknown_timer_does_nothing(city: dict[str, Department]) -> None:
    assert limits.fire_timer(timer_id=424242) is None
