"""The platform functions the workflow app itself offers to service tasks."""

from __future__ import annotations

from typing import Any

from onewindow.audit.services import record_event
from onewindow.workflow.models import ProcessInstance
from onewindow.workflow.registry import ServiceCall, register


@register("record_result")
def record_result(call: ServiceCall) -> dict[str, Any]:
    """Record the process's decision on the instance, for the case to show and act on.

    The decision is the service task's ``outcome`` parameter when it has one, else the
    last officer's outcome; every officer's outcome is kept too.
    """
    result = {
        "outcome": call.params.get("outcome", call.data.get("outcome", "")),
        "outcomes": call.data.get("outcomes", {}),
        "recorded_by_task": call.task_bpmn_id,
    }
    if call.context.instance_id is not None:
        ProcessInstance.objects.filter(pk=call.context.instance_id).update(result=result)
        record_event(
            actor=call.context.actor,
            action="workflow.result_recorded",
            target=("workflow.processinstance", str(call.context.instance_id)),
            detail=result,
        )
    return result
