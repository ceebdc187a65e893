"""Departments, officers and process files for the workflow tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import translation

from onewindow.conftest import make_department, make_user, proposed_chinese
from onewindow.identity.models import Department, DepartmentKind, User
from onewindow.identity.roles import Role
from onewindow.workflow import services
from onewindow.workflow.models import ProcessDefinition, ProcessInstance, WorkTask, bundle_sha256
from onewindow.workflow.tests.chinese import PROPOSED_ZH

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
MALICIOUS = Path(__file__).resolve().parent / "malicious"

# The demo city's departments that the demo processes name in their lanes.
BUREAUS = ("GA", "WJ", "YB", "RS", "SJ", "SW", "GJJ", "MZ", "CZ")


def read_process(name: str) -> str:
    return (PROCESSES / name).read_text(encoding="utf-8")


def read_malicious(name: str, pwned: Path | None = None) -> str:
    text = (MALICIOUS / name).read_text(encoding="utf-8")
    return text.replace("PWNED_PATH", str(pwned)) if pwned else text


def expression_and_unknown_lane() -> str:
    """``import_condition.bpmn`` (a condition the sandbox refuses, on Flow_cond) with its
    lane, Lane_1, naming a department that does not exist: two problems of one file."""
    return read_malicious("import_condition.bpmn").replace(
        'name="310000-GA"', 'name="310000-XX/reviewing_officer"'
    )


UNKNOWN_LANE = "Lane 310000-XX/reviewing_officer names department 310000-XX, which does not exist."


def upload(key: str, bpmn: str, *dmn: str, actor: User | None = None) -> ProcessDefinition:
    """Upload a demo process (by file name) and its DMN files as the system."""
    return services.upload_definition(
        actor=actor,
        key=key,
        name=key,
        bpmn_xml=read_process(bpmn),
        dmn_files={name: read_process(name) for name in dmn},
    )


def stored_before_the_check(definition: ProcessDefinition) -> ProcessDefinition:
    """``definition`` as if stored before uploads refused candidate groups: the files
    changed under it, as no upload can."""
    text = definition.bpmn_xml.replace(
        '<bpmn:userTask id="Task_accept"',
        '<bpmn:userTask id="Task_accept" camunda:candidateGroups="finance"',
    )
    digest = bundle_sha256(text, definition.dmn_files)  # another spec to parse, not the cached
    ProcessDefinition.objects.filter(pk=definition.pk).update(bpmn_xml=text, sha256=digest)
    definition.refresh_from_db()
    return definition


def open_tasks(instance: ProcessInstance) -> dict[str, WorkTask]:
    """The instance's open tasks by BPMN id."""
    return {
        t.bpmn_id: t for t in instance.tasks.filter(status__in=["ready", "claimed"]).order_by("pk")
    }


@pytest.fixture
def city(db: None) -> dict[str, Department]:
    root = make_department(code="310000", name="上海市人民政府", kind=DepartmentKind.CITY)
    departments = {"root": root}
    for abbreviation in BUREAUS:
        code = f"310000-{abbreviation}"
        departments[abbreviation] = make_department(code=code, parent=root)
    pudong = make_department(code="310115", parent=root, kind=DepartmentKind.DISTRICT)
    departments["310115"] = pudong
    departments["310115-RS"] = make_department(
        code="310115-RS", parent=pudong, kind=DepartmentKind.DISTRICT_BUREAU
    )
    # dmn_routing's window and review lanes: 黄浦区民政局 decides the district's benefits.
    huangpu = make_department(code="310101", parent=root, kind=DepartmentKind.DISTRICT)
    departments["310101"] = huangpu
    departments["310101-MZ"] = make_department(
        code="310101-MZ", parent=huangpu, kind=DepartmentKind.DISTRICT_BUREAU
    )
    return departments


@pytest.fixture
def officer(city: dict[str, Department]) -> Callable[..., User]:
    """``officer("GA", Role.WINDOW_OFFICER)``: a user holding that role there."""

    def make(where: str, role: str = Role.REVIEWING_OFFICER) -> User:
        return make_user(roles=[(role, city[where])])

    return make


def complete(task: WorkTask, outcome: str, user: User, **data: object) -> WorkTask:
    return services.complete_task(actor=user, task_id=task.pk, outcome=outcome, data=data)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """These tests read messages in English; those about Chinese override it themselves.
    (The interface's default language is Chinese.)"""
    with translation.override("en"):
        yield


@pytest.fixture
def chinese() -> Iterator[None]:
    """The Chinese catalogue with the workflow messages as proposed in ``chinese.py``,
    which the committed .po does not carry yet; everything is put back afterwards."""
    with proposed_chinese(PROPOSED_ZH):
        yield
