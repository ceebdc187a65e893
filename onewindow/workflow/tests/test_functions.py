from onewindow.audit.models import AuditEvent
from onewindow.identity.models import Department
from onewindow.workflow.functions import record_result
from onewindow.workflow.models import ProcessInstance
from onewindow.workflow.registry import ServiceCall, ServiceContext
from onewindow.workflow.tests.conftest import upload


def call(instance_id: int | None, **params: object) -> ServiceCall:
    return ServiceCall(
        name="record_result",
        task_bpmn_id="Task_record",
        params=params,
        data={"outcome": "approve", "outcomes": {"Task_review": "approve"}},
        context=ServiceContext(instance_id=instance_id),
    )


def test_record_result_stores_the_decision_and_audits_it(city: dict[str, Department]) -> None:
    definition = upload("permit", "single_department.bpmn")
    instance = ProcessInstance.objects.create(definition=definition, serializer_version=1)
    result = record_result(call(instance.pk))
    instance.refresh_from_db()
    assert (
        instance.result
        == result
        == {
            "outcome": "approve",
            "outcomes": {"Task_review": "approve"},
            "recorded_by_task": "Task_record",
        }
    )
    event = AuditEvent.objects.get(action="workflow.result_recorded")
    assert event.target_id == str(instance.pk)


def test_an_explicit_outcome_parameter_wins(city: dict[str, Department]) -> None:
    assert record_result(call(None, outcome="reject"))["outcome"] == "reject"
