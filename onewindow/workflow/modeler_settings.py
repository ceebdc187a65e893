"""What Camunda Modeler lets a diagram ask of its engine that this platform does not do,
refused at upload by name, with what to do here instead.

A Camunda 7 or 8 diagram can give a user task an assignee or candidate groups, a due
date, a form; any element listeners (code run on its events) and input/output mappings;
a Camunda 7 process the groups or users who may start it.
SpiffWorkflow ignores them, so a file setting them loaded and behaved otherwise than
drawn: its tasks went to the lane's department whatever their candidate groups said,
its listeners never ran. What a diagram may draw is in ``validation``; these settings
ride on elements it allows, as attributes in Camunda's namespace or as children of
their ``extensionElements``. What carries no behaviour here (``camunda:asyncBefore``,
``camunda:historyTimeToLive``, which the modeler writes on every process, properties,
``camunda:versionTag``) is left alone; so are the settings the platform reads (an
external task's topic, a decision reference: ``validation.service_function_name`` and
``decision_ref``).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from lxml import etree

from onewindow.workflow.bundle import BPMN, Problem, local_name, msg

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"  # Camunda 7
ZEEBE = "http://camunda.org/schema/zeebe/1.0"  # Camunda 8
_PREFIXES = {CAMUNDA: "camunda", ZEEBE: "zeebe"}

ASSIGNMENT = "assignment"
SCHEDULE = "schedule"
FORM = "form"
LISTENER = "listener"
MAPPING = "mapping"
STARTER = "starter"

# Attributes of a BPMN element, by namespace and name.
_ATTRIBUTES = {
    (CAMUNDA, "assignee"): ASSIGNMENT,
    (CAMUNDA, "candidateUsers"): ASSIGNMENT,
    (CAMUNDA, "candidateGroups"): ASSIGNMENT,
    (CAMUNDA, "dueDate"): SCHEDULE,
    (CAMUNDA, "followUpDate"): SCHEDULE,
    (CAMUNDA, "formKey"): FORM,
    (CAMUNDA, "formRef"): FORM,
    (CAMUNDA, "candidateStarterGroups"): STARTER,
    (CAMUNDA, "candidateStarterUsers"): STARTER,
}
# Children of a BPMN element's extensionElements.
_EXTENSIONS = {
    (CAMUNDA, "taskListener"): LISTENER,
    (CAMUNDA, "executionListener"): LISTENER,
    (CAMUNDA, "inputOutput"): MAPPING,
    (CAMUNDA, "formData"): FORM,
    (ZEEBE, "assignmentDefinition"): ASSIGNMENT,
    (ZEEBE, "taskSchedule"): SCHEDULE,
    (ZEEBE, "formDefinition"): FORM,
    (ZEEBE, "userTaskForm"): FORM,
    (ZEEBE, "taskListeners"): LISTENER,
    (ZEEBE, "executionListeners"): LISTENER,
    (ZEEBE, "ioMapping"): MAPPING,
}

_WHAT_INSTEAD: dict[str, Promise] = {
    ASSIGNMENT: _(
        "%(element)s %(id)s sets %(setting)s, which is not read here: who works on a task "
        "comes from its lane (a department code, optionally with an officer role)."
    ),
    SCHEDULE: _(
        "%(element)s %(id)s sets %(setting)s, which is not read here: a user task's time "
        "limit is its time_limit property, in working days."
    ),
    FORM: _(
        "%(element)s %(id)s sets %(setting)s, which is not read here: the application form "
        "comes from the service item, and officers decide with the task's outcomes."
    ),
    LISTENER: _(
        "%(element)s %(id)s sets %(setting)s, which does not run here: do that work in a "
        "script task or a service task."
    ),
    MAPPING: _(
        "%(element)s %(id)s sets %(setting)s, which is not read here: tasks see the process "
        "data as it is; compute a value in a script task."
    ),
    STARTER: _(
        "%(element)s %(id)s sets %(setting)s, which is not read here: a run starts when "
        "someone applies, and who may apply is set on the service item (individuals or "
        "legal persons)."
    ),
}


def problems(root: etree._Element) -> list[Problem]:
    """One problem for each such setting in the BPMN file, by the element it is on, in
    the order of the file."""
    found = []
    for element in root.iter(f"{{{BPMN}}}*"):
        if not (element_id := element.get("id", "")):
            continue  # extensionElements and the like: read with their element
        for kind, setting in _settings(element):
            message = msg(
                _WHAT_INSTEAD[kind], element=local_name(element), id=element_id, setting=setting
            )
            found.append(Problem(message, local_name(element), element_id))
    return found


def _settings(element: etree._Element) -> Iterator[tuple[str, str]]:
    """(kind, "prefix:name") of each setting on ``element``: its attributes, then the
    children of its extensionElements."""
    for attribute in element.attrib:
        yield from _known(_ATTRIBUTES, etree.QName(attribute))
    for extensions in element.findall(f"{{{BPMN}}}extensionElements"):
        for child in extensions:
            if isinstance(child.tag, str):  # not a comment
                yield from _known(_EXTENSIONS, etree.QName(child))


def _known(table: dict[tuple[str, str], str], name: etree.QName) -> Iterator[tuple[str, str]]:
    namespace = name.namespace or ""
    if (kind := table.get((namespace, name.localname))) is not None:
        yield kind, f"{_PREFIXES[namespace]}:{name.localname}"
