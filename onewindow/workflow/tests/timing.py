"""Helpers for the tests of time limits: local moments and small processes with timers.

Dates are checked by hand against the 2026 official calendar, which has no holiday in
March: Monday 2026-03-02 is day 0, and the working days after it are Tue 03, Wed 04,
Thu 05, Fri 06, Mon 09, Tue 10, Wed 11, Thu 12, Fri 13, Mon 16…
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from onewindow.workflow import services
from onewindow.workflow.models import ProcessDefinition

SHANGHAI = ZoneInfo("Asia/Shanghai")
LANE = "310000-GA/reviewing_officer"


def at(day: str, hour: int = 0, minute: int = 0) -> datetime:
    """A local (Asia/Shanghai) moment; midnight by default, where limits end."""
    year, month, dom = (int(part) for part in day.split("-"))
    return datetime(year, month, dom, hour, minute, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Boundary:
    """A boundary timer on the task: ``value`` an ISO duration or date; ``topic`` the
    platform function its path calls (none: the path just ends)."""

    bpmn_id: str
    value: str
    topic: str = ""
    interrupting: bool = False


def process_xml(
    *,
    limit: int | None = 5,
    boundaries: tuple[Boundary, ...] = (),
    then_wait: str = "",
    then_wait_date: bool = False,
    then_call: str = "",
) -> str:
    """Start → Task_work (``limit`` working days) → [a timer catch event, or a service
    task calling ``then_call``] → End, with boundary timers on Task_work, all in the
    police bureau's reviewing lane."""
    nodes = ["StartEvent_1", "Task_work", "End_done"]
    body: list[str] = []
    properties = (
        f'<camunda:property name="time_limit" value="{limit}"/>' if limit is not None else ""
    )
    body.append('<bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>F_start</bpmn:outgoing>')
    body.append("</bpmn:startEvent>")
    body.append(
        '<bpmn:userTask id="Task_work" name="审核"><bpmn:extensionElements><camunda:properties>'
        f'<camunda:property name="outcomes" value="approve,reject"/>{properties}'
        "</camunda:properties></bpmn:extensionElements>"
        "<bpmn:incoming>F_start</bpmn:incoming><bpmn:outgoing>F_work</bpmn:outgoing>"
        "</bpmn:userTask>"
    )
    flows = ['<bpmn:sequenceFlow id="F_start" sourceRef="StartEvent_1" targetRef="Task_work"/>']
    after_task = "End_done"
    if then_wait:
        nodes.append("Timer_wait")
        after_task = "Timer_wait"
        kind = "timeDate" if then_wait_date else "timeDuration"
        body.append(
            '<bpmn:intermediateCatchEvent id="Timer_wait" name="等待">'
            "<bpmn:incoming>F_work</bpmn:incoming><bpmn:outgoing>F_wait</bpmn:outgoing>"
            f'<bpmn:timerEventDefinition id="Def_wait"><bpmn:{kind} xsi:type="bpmn:'
            f'tFormalExpression">{then_wait}</bpmn:{kind}></bpmn:timerEventDefinition>'
            "</bpmn:intermediateCatchEvent>"
        )
        flows.append('<bpmn:sequenceFlow id="F_wait" sourceRef="Timer_wait" targetRef="End_done"/>')
    elif then_call:
        nodes.append("Call_then")
        after_task = "Call_then"
        body.append(
            f'<bpmn:serviceTask id="Call_then" camunda:type="external" camunda:topic="{then_call}">'
            "<bpmn:incoming>F_work</bpmn:incoming><bpmn:outgoing>F_wait</bpmn:outgoing>"
            "</bpmn:serviceTask>"
        )
        flows.append('<bpmn:sequenceFlow id="F_wait" sourceRef="Call_then" targetRef="End_done"/>')
    flows.append(f'<bpmn:sequenceFlow id="F_work" sourceRef="Task_work" targetRef="{after_task}"/>')
    last = "F_wait" if then_wait or then_call else "F_work"
    body.append(
        f'<bpmn:endEvent id="End_done"><bpmn:incoming>{last}</bpmn:incoming></bpmn:endEvent>'
    )
    for timer in boundaries:
        name = timer.bpmn_id
        end = f"End_{name}"
        nodes += [name, end]
        cancel = "true" if timer.interrupting else "false"
        body.append(
            f'<bpmn:boundaryEvent id="{name}" cancelActivity="{cancel}" attachedToRef="Task_work">'
            f"<bpmn:outgoing>F_{name}</bpmn:outgoing>"
            f'<bpmn:timerEventDefinition id="Def_{name}"><bpmn:timeDuration xsi:type="bpmn:'
            f'tFormalExpression">{timer.value}</bpmn:timeDuration></bpmn:timerEventDefinition>'
            "</bpmn:boundaryEvent>"
        )
        target = end
        if timer.topic:
            step = f"Call_{name}"
            nodes.append(step)
            target = step
            body.append(
                f'<bpmn:serviceTask id="{step}" camunda:type="external" '
                f'camunda:topic="{timer.topic}"><bpmn:incoming>F_{name}</bpmn:incoming>'
                f"<bpmn:outgoing>F_{step}</bpmn:outgoing></bpmn:serviceTask>"
            )
            flows.append(f'<bpmn:sequenceFlow id="F_{step}" sourceRef="{step}" targetRef="{end}"/>')
        incoming = f"F_{step}" if timer.topic else f"F_{name}"
        body.append(
            f'<bpmn:endEvent id="{end}"><bpmn:incoming>{incoming}</bpmn:incoming></bpmn:endEvent>'
        )
        flows.append(f'<bpmn:sequenceFlow id="F_{name}" sourceRef="{name}" targetRef="{target}"/>')
    refs = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in nodes)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_timed" '
        'targetNamespace="http://bpmn.io/schema/bpmn">'
        '<bpmn:process id="timed" name="计时" isExecutable="true">'
        f'<bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="{LANE}">{refs}'
        "</bpmn:lane></bpmn:laneSet>"
        + "".join(body)
        + "".join(flows)
        + "</bpmn:process></bpmn:definitions>"
    )


def upload_timed(key: str = "timed", **options: object) -> ProcessDefinition:
    """Upload ``process_xml(**options)`` as the system."""
    return services.upload_definition(
        actor=None,
        key=key,
        name=key,
        bpmn_xml=process_xml(**options),  # type: ignore[arg-type]
    )
