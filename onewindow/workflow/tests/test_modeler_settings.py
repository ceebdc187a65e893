"""What Camunda Modeler offers and the platform does not do (workflow/modeler_settings.py),
refused at upload by the element it is on, with what to do instead; what carries no
behaviour here still loads."""

from __future__ import annotations

import pytest
from django.utils import translation

from onewindow.workflow.tests.test_validation import HEAD, bpmn, check, problems

ZEEBE_HEAD = HEAD.replace(
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" ',
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" ',
)


def user_task(attributes: str = "", extensions: str = "") -> str:
    inside = f"<bpmn:extensionElements>{extensions}</bpmn:extensionElements>" if extensions else ""
    return bpmn(f'<bpmn:userTask id="Task_1" name="受理" {attributes}>{inside}</bpmn:userTask>')


def test_a_camunda_7_assignment_is_refused_saying_where_assignment_comes_from() -> None:
    assert problems(user_task('camunda:candidateGroups="finance"')) == [
        "userTask Task_1 sets camunda:candidateGroups, which is not read here: who works on "
        "a task comes from its lane (a department code, optionally with an officer role)."
    ]


@pytest.mark.parametrize(
    ("attributes", "extensions", "settings"),
    [
        (
            'camunda:assignee="demo" camunda:candidateUsers="a,b"',
            "",
            ["assignee", "candidateUsers"],
        ),
        ('camunda:dueDate="${due}" camunda:followUpDate="P1D"', "", ["dueDate", "followUpDate"]),
        ('camunda:formKey="embedded:app:forms/a.html"', "", ["formKey"]),
        ('camunda:formRef="form_1"', "", ["formRef"]),
        (
            "",
            '<camunda:taskListener class="org.Evil" event="create"/>'
            '<camunda:executionListener expression="${x}" event="start"/>',
            ["taskListener", "executionListener"],
        ),
        (
            "",
            '<camunda:inputOutput><camunda:inputParameter name="a">1</camunda:inputParameter>'
            "</camunda:inputOutput>",
            ["inputOutput"],
        ),
        (
            "",
            '<camunda:formData><camunda:formField id="f" type="string"/></camunda:formData>',
            ["formData"],
        ),
    ],
)
def test_each_camunda_7_setting_is_named(
    attributes: str, extensions: str, settings: list[str]
) -> None:
    found = problems(user_task(attributes, extensions))
    assert [message.split(" sets ")[1].split(",")[0] for message in found] == [
        f"camunda:{setting}" for setting in settings
    ]
    assert all(message.startswith("userTask Task_1 sets ") for message in found)


def test_camunda_8_settings_are_named_too() -> None:
    extensions = (
        '<zeebe:assignmentDefinition candidateGroups="finance"/>'
        '<zeebe:taskSchedule dueDate="=now()"/>'
        '<zeebe:formDefinition formKey="f"/>'
        '<zeebe:taskListeners><zeebe:taskListener eventType="creating" type="t"/>'
        "</zeebe:taskListeners>"
        '<zeebe:ioMapping><zeebe:input source="=a" target="b"/></zeebe:ioMapping>'
    )
    found = problems(user_task(extensions=extensions).replace(HEAD, ZEEBE_HEAD))
    assert [message.split(" sets ")[1].split(",")[0] for message in found] == [
        "zeebe:assignmentDefinition",
        "zeebe:taskSchedule",
        "zeebe:formDefinition",
        "zeebe:taskListeners",
        "zeebe:ioMapping",
    ]
    assert found[1].endswith(
        "a user task's time limit is its time_limit property, in working days."
    )


def test_a_listener_on_the_process_or_a_flow_is_refused_by_that_element() -> None:
    listener = (
        '<bpmn:extensionElements><camunda:executionListener class="org.Evil" event="take"/>'
        "</bpmn:extensionElements>"
    )
    body = (
        '<bpmn:startEvent id="S"/><bpmn:userTask id="Task_1"/><bpmn:endEvent id="E"/>'
        f'<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Task_1">{listener}'
        "</bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="F2" sourceRef="Task_1" targetRef="E"/>'
    )
    on_the_process = bpmn(body).replace(
        '<bpmn:process id="p" isExecutable="true">',
        f'<bpmn:process id="p" isExecutable="true">{listener}',
    )
    assert problems(on_the_process) == [
        f"{element} sets camunda:executionListener, which does not run here: do that work in "
        "a script task or a service task."
        for element in ("process p", "sequenceFlow F1")
    ]


@pytest.mark.parametrize("setting", ["candidateStarterGroups", "candidateStarterUsers"])
def test_who_may_start_the_process_is_refused_saying_the_service_item_decides(
    setting: str,
) -> None:
    """Camunda 7 lets a process name the groups or users who may start it; here a run
    starts with an application, and the service item says who may apply."""
    restricted = user_task().replace(
        'isExecutable="true">', f'isExecutable="true" camunda:{setting}="managers">'
    )
    assert problems(restricted) == [
        f"process p sets camunda:{setting}, which is not read here: a run starts when "
        "someone applies, and who may apply is set on the service item (individuals or "
        "legal persons)."
    ]


def test_what_carries_no_behaviour_here_still_loads() -> None:
    """Camunda Modeler writes historyTimeToLive on every process it saves; a version
    tag, the tasklist's start flag, async continuations and properties change nothing
    on this platform."""
    task = user_task(
        'camunda:asyncBefore="true" camunda:asyncAfter="true"',
        '<camunda:properties><camunda:property name="time_limit" value="3"/></camunda:properties>',
    ).replace(
        'isExecutable="true">',
        'isExecutable="true" camunda:historyTimeToLive="180" camunda:versionTag="2"'
        ' camunda:isStartableInTasklist="false">',
    )
    facts = check(task)
    assert facts.user_tasks["Task_1"].time_limit_days == 3


def test_the_refusal_speaks_chinese(chinese: None) -> None:
    with translation.override("zh-hans"):
        [message] = problems(user_task('camunda:candidateGroups="finance"'))
    assert message == (
        "userTask Task_1 设置了 camunda:candidateGroups，本平台不读取：任务由哪个部门办理"
        "取决于它所在的泳道（部门代码，可加上工作人员角色）。"
    )
