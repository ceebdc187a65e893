"""Which process an editor may bind an item to (``routing.check_item_process``, through
``services.bind_application``): one with a lane for the item's own department, whose
lanes name only departments the editor edits, as for a life event's process of the
whole. A refusal is at the process field, saves nothing, and a refusal of the person is
on record."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.catalog import queries, services
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItem
from onewindow.conftest import make_department, make_user
from onewindow.core.errors import Forbidden, InvalidInput
from onewindow.identity.roles import Role
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process

pytestmark = pytest.mark.django_db

PASSPORT = "310000-GA-XK-0002"  # the police's item


def process(key: str, file: str, *, lanes: dict[str, str] | None = None) -> ProcessDefinition:
    """A process from a demo file, its lanes renamed (``{old name: new name}``)."""
    xml = read_process(file)
    for old, new in (lanes or {}).items():
        xml = xml.replace(f'name="{old}"', f'name="{new}"')
    return ProcessDefinition.objects.create(key=key, version=1, name=key, bpmn_xml=xml)


@pytest.fixture
def editors(catalog: Any) -> dict[str, Any]:
    return {
        "ga": make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])]),
        "city": make_user(roles=[(Role.PLATFORM_ADMIN, catalog["root"])]),
    }


def bind(actor: Any, definition: ProcessDefinition) -> Any:
    with translation.override("en"):
        return services.bind_application(actor=actor, code=PASSPORT, form=None, process=definition)


def nothing_saved() -> bool:
    item = ServiceItem.objects.get(code=PASSPORT)
    return queries.open_version(item) is None and not AuditEvent.objects.filter(
        action="catalog.application_bound", outcome="success"
    )


def test_another_departments_process_is_refused_at_the_process(editors):
    # The QA's case: the police item bound to the health commission's process.
    birth_certificate = process("birth_certificate", "birth_certificate.bpmn")
    with pytest.raises(InvalidInput) as refusal:
        bind(editors["ga"], birth_certificate)
    [message] = refusal.value.fields["process"]
    assert "no lane for Department 310000-GA" in str(message)
    assert nothing_saved()
    # Not even a platform admin, who edits every department, may: the rule is the item's.
    with pytest.raises(InvalidInput):
        bind(editors["city"], birth_certificate)
    assert nothing_saved()


def test_a_process_reaching_departments_the_editor_does_not_edit_is_refused_on_record(editors):
    newborn = process("newborn", "newborn.bpmn")  # lanes: WJ, GA, YB, RS
    with pytest.raises(Forbidden) as refusal:
        bind(editors["ga"], newborn)
    [message] = refusal.value.fields["process"]
    assert str(message).endswith(
        "you do not edit Department 310000-RS, Department 310000-WJ, Department 310000-YB."
    )
    assert nothing_saved()
    denied = AuditEvent.objects.get(action="catalog.application_bound")
    assert denied.outcome == "denied"
    assert denied.detail["departments"] == ["310000-RS", "310000-WJ", "310000-YB"]
    # An editor of every one of them may.
    draft = bind(editors["city"], newborn)
    assert (draft.status, draft.process) == (VersionStatus.DRAFT, newborn)


def test_the_items_own_departments_process_is_bound(editors):
    single = process("single_department", "single_department.bpmn")  # two police lanes
    draft = bind(editors["ga"], single)
    assert (draft.status, draft.process) == (VersionStatus.DRAFT, single)


def test_a_lane_of_a_unit_of_the_items_department_reaches_it(editors, catalog):
    make_department(code="310000-GA-CRJ", name="出入境管理局", parent=catalog["GA"])
    unit = process("exit_entry", "newborn_hukou.bpmn", lanes={"310000-GA": "310000-GA-CRJ"})
    assert bind(editors["ga"], unit).process == unit


def test_a_lane_above_the_items_department_does_not(editors):
    city = process("city", "newborn_hukou.bpmn", lanes={"310000-GA": "310000"})
    with pytest.raises(InvalidInput):
        bind(editors["city"], city)
    assert nothing_saved()


def test_a_lane_naming_no_department_is_refused(editors):
    both = process(
        "both",
        "parallel_three.bpmn",  # lanes: MZ (window), GA, WJ, YB
        lanes={"310000-MZ/window_officer": "310000-GA/window_officer", "310000-WJ": "310000-XX"},
    )
    with pytest.raises(InvalidInput) as refusal:
        bind(editors["city"], both)
    assert [str(m) for m in refusal.value.fields["process"]] == [
        "This process's lanes name departments that do not exist: 310000-XX."
    ]
    assert nothing_saved()


def test_a_process_that_no_longer_loads_is_refused(editors):
    broken = ProcessDefinition.objects.create(
        key="broken", version=1, name="broken", bpmn_xml="<definitions/>"
    )
    with pytest.raises(InvalidInput) as refusal:
        bind(editors["ga"], broken)
    with translation.override("en"):  # the message is translated when shown
        assert "can no longer be loaded" in str(refusal.value.fields["process"][0])
    assert nothing_saved()


def test_the_system_binds_as_the_demo_seed_says(catalog):
    # The demo seed (``actor=None``) sets published versions without these checks, as it
    # sets life events' processes.
    birth_certificate = process("birth_certificate", "birth_certificate.bpmn")
    published = services.bind_application(
        actor=None, code=PASSPORT, form=None, process=birth_certificate
    )
    assert published.process == birth_certificate


def test_no_process_needs_no_check(editors):
    assert bind(editors["ga"], None).process is None  # type: ignore[arg-type]
