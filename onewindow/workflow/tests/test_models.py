import pytest
from django.db import IntegrityError, transaction

from onewindow.identity.models import Department
from onewindow.workflow.models import (
    ImmutableDefinitionError,
    ProcessDefinition,
    ProcessInstance,
    WorkTask,
    bundle_sha256,
)
from onewindow.workflow.tests.conftest import upload


def test_definitions_are_immutable_and_hashed(city: dict[str, Department]) -> None:
    definition = upload("permit", "single_department.bpmn")
    assert definition.sha256 == bundle_sha256(definition.bpmn_xml, {})
    assert definition.spec_key == f"{definition.pk}:{definition.sha256}"
    definition.name = "changed"
    with pytest.raises(ImmutableDefinitionError):
        definition.save()
    assert bundle_sha256("x", {"a.dmn": "1"}) != bundle_sha256("x", {"a.dmn": "2"})
    assert str(definition) == "permit v1"


def test_key_and_version_are_unique(city: dict[str, Department]) -> None:
    upload("permit", "single_department.bpmn")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessDefinition.objects.create(key="permit", version=1, name="x", bpmn_xml="<x/>")


def test_instance_revision_moves_at_each_save(city: dict[str, Department]) -> None:
    definition = upload("permit", "single_department.bpmn")
    instance = ProcessInstance.objects.create(definition=definition, serializer_version=1)
    assert instance.revision == 0
    instance.save(update_fields=["state"])
    instance.refresh_from_db()
    assert instance.revision == 1


def test_task_rows_keep_their_invariants(city: dict[str, Department]) -> None:
    definition = upload("permit", "single_department.bpmn")
    instance = ProcessInstance.objects.create(definition=definition, serializer_version=1)
    WorkTask.objects.create(instance=instance, spiff_task_id="a", bpmn_id="T", name="T")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkTask.objects.create(instance=instance, spiff_task_id="a", bpmn_id="T", name="T")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkTask.objects.create(
            instance=instance, spiff_task_id="b", bpmn_id="T", name="T", status="claimed"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkTask.objects.create(
            instance=instance, spiff_task_id="c", bpmn_id="T", name="T", status="completed"
        )
