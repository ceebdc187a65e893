"""A life event's process of the whole in the back office (``events_view``,
``event_process_view``): every editor reads the events and their processes; an editor
of every department the event spans chooses one whose lanes are those departments, at
once and audited; anyone else is refused, and the refusal is on record; a process with
a lane too few or too many is refused at its field."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.catalog import services
from onewindow.catalog.models import LifeEvent
from onewindow.conftest import holder_logged_in, make_user
from onewindow.core.errors import InvalidInput
from onewindow.identity.roles import Role
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process

pytestmark = pytest.mark.django_db

LIST = "/backoffice/catalog/life-events/"
URL = "/backoffice/catalog/life-events/newborn/process/"


@pytest.fixture
def processes(newborn_process: ProcessDefinition) -> list[ProcessDefinition]:
    """Two versions of the demo's newborn process (``conftest.newborn_process``)."""
    second = ProcessDefinition.objects.create(
        key="newborn", version=2, name=newborn_process.name, bpmn_xml=newborn_process.bpmn_xml
    )
    return [newborn_process, second]


def signed_in(catalog: Any, role: str = Role.PLATFORM_ADMIN, where: str = "root") -> Client:
    client, _ = holder_logged_in(role, catalog[where])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def event_process() -> str | None:
    process = LifeEvent.objects.get(code="newborn").process
    return str(process) if process else None


def test_the_list_shows_each_event_with_its_process(catalog, processes):
    services.bind_event_process(code="newborn", process=processes[0])
    page = signed_in(catalog).get(LIST)
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert row["event"].code == "newborn" and row["can_bind"]
    text = page.content.decode()
    assert "Having a baby" in text and "newborn v1" in text
    assert "/backoffice/processes/process/newborn/?version=1" in text


def test_an_editor_of_every_department_chooses_the_newest_version(catalog, processes):
    client = signed_in(catalog)
    page = client.get(URL)
    assert page.context["can_bind"]
    choices = dict(page.context["form"].fields["process"].choices)
    assert [value for value, _label in choices["newborn"]] == ["newborn:2", "newborn:1"]
    response = client.post(URL, {"process": "newborn:2"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert event_process() == "newborn v2"
    assert "filed from now on run in this process" in client.get(LIST).content.decode()
    assert client.post(URL, {"process": ""}).status_code == 302
    assert event_process() is None
    # Said as it is: no process of the whole any more (it said "in this process").
    listed = client.get(LIST).content.decode()
    assert "filed from now on run each item in its own process" in listed
    # The page names the event in its breadcrumb, not by its code.
    breadcrumb = client.get(URL).content.decode()
    assert '<span aria-current="page">Having a baby</span>' in breadcrumb
    bound = AuditEvent.objects.filter(action="catalog.event_process_bound", outcome="success")
    assert [e.detail["process"] for e in bound.order_by("seq")] == ["newborn v2", None]


def test_the_page_lists_the_items_and_the_process_each_runs_alone(catalog, processes):
    services.bind_application(actor=None, code="310000-GA-QR-0001", form=None, process=processes[0])
    steps = list(signed_in(catalog).get(URL).context["event"].steps.all())
    assert [step.item.code for step in steps] == [
        "310000-WJ-QR-0001",
        "310000-GA-QR-0001",
        "310000-YB-GG-0001",
        "310000-RS-GG-0001",
    ]
    assert [str(step.item.published.process) for step in steps] == [
        "None",
        "newborn v1",
        "None",
        "None",
    ]


def test_an_unknown_version_is_a_field_error_and_nothing_changes(catalog, processes):
    response = signed_in(catalog).post(URL, {"process": "newborn:9"})
    assert response.status_code == 422
    assert response.context["form"].errors["process"] == ["No such process (or version)."]
    assert event_process() is None


def lanes_renamed(names: dict[str, str]) -> ProcessDefinition:
    xml = read_process("newborn.bpmn")
    for old, new in names.items():
        xml = xml.replace(f'name="{old}"', f'name="{new}"')
    return ProcessDefinition.objects.create(key="newborn-other", version=1, name="x", bpmn_xml=xml)


def test_a_process_without_a_lane_for_an_item_s_department_is_refused(catalog, processes):
    # Social security's lane goes to market regulation, which has no item in the event.
    lanes_renamed({"310000-RS": "310000-SJ"})
    response = signed_in(catalog).post(URL, {"process": "newborn-other:1"})
    assert response.status_code == 422
    assert response.context["form"].errors["process"] == [
        "This process has no lane for Department 310000-RS: their services in the event "
        "would never be handled. Choose a process with a lane for each department of the "
        "event's services.",
        "This process's lanes name Department 310000-SJ, which handle none of the event's "
        "services: the application would go to their inboxes.",
    ]
    assert event_process() is None
    assert not AuditEvent.objects.filter(action="catalog.event_process_bound")


def test_a_lane_of_a_department_that_does_not_exist_is_refused(catalog, processes):
    lanes_renamed({"310000-RS": "310000-NONE"})
    with translation.override("en"), pytest.raises(InvalidInput) as refusal:
        services.bind_event_process(
            actor=make_user(roles=[(Role.PLATFORM_ADMIN, catalog["root"])]),
            code="newborn",
            process=ProcessDefinition.objects.get(key="newborn-other"),
        )
    assert refusal.value.fields["process"][-1] == (
        "This process's lanes name departments that do not exist: 310000-NONE."
    )
    assert event_process() is None


def test_the_system_binds_without_the_check(catalog, processes):
    # The demo seed binds what it ships; an editor's choice is checked.
    services.bind_event_process(code="newborn", process=lanes_renamed({"310000-RS": "310000-SJ"}))
    assert event_process() == "newborn-other v1"


def test_an_editor_of_one_department_reads_it_but_is_refused_on_record(catalog, processes):
    client = signed_in(catalog, Role.DEPARTMENT_ADMIN, "GA")
    page = client.get(URL)
    assert page.status_code == 200 and not page.context["can_bind"]
    assert "Only an editor of every department" in page.content.decode()
    assert 'name="process"' not in page.content.decode()
    refused = client.post(URL, {"process": "newborn:1"})
    assert refused.status_code == 403
    assert event_process() is None
    denied = AuditEvent.objects.get(action="catalog.event_process_bound")
    assert denied.outcome == "denied"


def test_officers_without_an_editor_role_and_citizens_do_not_reach_it(catalog, processes):
    officer = signed_in(catalog, Role.WINDOW_OFFICER, "GA")
    citizen = Client()
    citizen.force_login(make_user())
    for client in (officer, citizen):
        assert client.get(LIST).status_code == 404
        assert client.post(URL, {"process": "newborn:1"}).status_code == 404
    assert event_process() is None


def test_an_unknown_event_is_not_found(catalog):
    assert (
        signed_in(catalog).get("/backoffice/catalog/life-events/nothing/process/").status_code
        == 404
    )


def test_the_back_office_links_to_the_events(catalog):
    assert LIST in signed_in(catalog).get("/backoffice/catalog/").content.decode()


def test_the_list_reads_each_event_s_departments_with_its_steps(
    catalog, processes, django_assert_max_num_queries
):
    from onewindow.catalog.tests.conftest import EVENTS

    client = signed_in(catalog)
    client.get(LIST)  # the session and the user's roles, once
    with django_assert_max_num_queries(7) as one_event:
        assert client.get(LIST).status_code == 200
    services.seed_life_events([{**EVENTS[0], "code": "newborn-2"}])
    with django_assert_max_num_queries(len(one_event)):  # not a query more per event
        assert len(client.get(LIST).context["rows"]) == 2
