"""Binding an item's online application through the API (catalog/application_api.py):
the department's editors put a form and a process into the item's draft, which review
publishes; the catalog's readers see nothing change until then."""

from __future__ import annotations

import pytest

from onewindow.audit.models import AuditEvent
from onewindow.catalog import queries
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItemVersion
from onewindow.conftest import make_user, otp_for
from onewindow.forms.demo import load_demo_forms
from onewindow.identity.roles import Role
from onewindow.identity.tests.test_api import bearer, token_for
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process

pytestmark = pytest.mark.single_pass

HUKOU = "310000-GA-QR-0001"
URL = f"/api/v1/catalog/items/{HUKOU}/application"


@pytest.fixture
def definitions(catalog):
    load_demo_forms()
    ProcessDefinition.objects.create(
        key="hukou", version=1, name="户口登记", bpmn_xml=read_process("newborn_hukou.bpmn")
    )
    return ProcessDefinition.objects.create(
        key="hukou", version=2, name="户口登记", bpmn_xml=read_process("newborn_hukou.bpmn")
    )


def signed_in(client, catalog, role=Role.DEPARTMENT_ADMIN, where="GA"):
    user = make_user(roles=[(role, catalog[where])], with_totp=True, language="en")
    return {**bearer(token_for(client, user, otp_for(user))), "HTTP_ACCEPT_LANGUAGE": "en"}


def put(client, headers, **body):
    return client.put(URL, body, content_type="application/json", **headers)


def test_an_editor_binds_the_newest_versions_into_the_items_draft(client, catalog, definitions):
    headers = signed_in(client, catalog)
    published_before = queries.published_version(HUKOU)
    response = put(client, headers, form="newborn_hukou", process="hukou")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["process"]) == (VersionStatus.DRAFT, "hukou v2")
    assert body["form"].startswith("newborn_hukou v")
    draft = ServiceItemVersion.objects.get(item__code=HUKOU, number=body["version"])
    assert (draft.form.key, draft.process_id) == ("newborn_hukou", definitions.pk)
    # Applicants keep the published version until review publishes the draft.
    assert queries.published_version(HUKOU).pk == published_before.pk
    assert AuditEvent.objects.filter(action="catalog.application_bound").count() == 1
    # A version may be named; null unbinds.
    chosen = put(client, headers, form=None, process="hukou", process_version=1)
    assert (chosen.json()["form"], chosen.json()["process"]) == (None, "hukou v1")
    # The key and version as the request names them, to send back as they are (QA).
    assert (chosen.json()["process_key"], chosen.json()["process_version"]) == ("hukou", 1)
    assert (chosen.json()["form_key"], chosen.json()["form_version"]) == (None, None)


def test_unknown_keys_or_versions_are_field_errors(client, catalog, definitions):
    response = put(
        client, signed_in(client, catalog), form="nope", process="hukou", process_version=9
    )
    assert response.status_code == 422
    # A key of nothing is the key's error; a version its key lacks, the version's (QA).
    assert response.json()["fields"] == {
        "form": ["No such form."],
        "process_version": ["This process has no such version."],
    }
    assert not AuditEvent.objects.filter(action="catalog.application_bound").exists()


def test_a_process_of_other_departments_is_refused_at_the_process(client, catalog, definitions):
    ProcessDefinition.objects.create(
        key="birth", version=1, name="出生医学证明", bpmn_xml=read_process("birth_certificate.bpmn")
    )
    ProcessDefinition.objects.create(
        key="newborn", version=1, name="新生儿", bpmn_xml=read_process("newborn.bpmn")
    )
    headers = signed_in(client, catalog)
    no_lane = put(client, headers, form=None, process="birth")
    assert no_lane.status_code == 422
    assert list(no_lane.json()["fields"]) == ["process"]
    assert "has no lane for" in no_lane.json()["fields"]["process"][0]
    others = put(client, headers, form=None, process="newborn")
    assert others.status_code == 403 and others.json()["code"] == "forbidden"
    assert others.json()["fields"]["process"][0].startswith("Only an editor of every department")
    bound = AuditEvent.objects.filter(action="catalog.application_bound")
    assert [event.outcome for event in bound] == ["denied"]


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [
        (Role.DEPARTMENT_ADMIN, "GA", 200),
        (Role.PLATFORM_ADMIN, "root", 200),
        # Another department's published item, which anyone reads: not theirs (403).
        (Role.DEPARTMENT_ADMIN, "SJ", 403),
        (Role.REVIEWING_OFFICER, "GA", 403),
    ],
)
def test_who_may_bind(client, catalog, definitions, role, where, status):
    headers = signed_in(client, catalog, role, where)
    assert put(client, headers, form="newborn_hukou", process="hukou").status_code == status


@pytest.mark.parametrize("key", ["hukou", "no-such-process"])
def test_a_caller_who_may_not_bind_learns_nothing_of_the_keys_named(
    client, catalog, definitions, key
):
    """Refused alike whether the form and process exist: a 422 for a missing key and a
    403 for an existing one told anyone which there are."""
    headers = signed_in(client, catalog, Role.REVIEWING_OFFICER, "GA")
    assert put(client, headers, form=key, process=key).status_code == 403
    body = {"process": key}
    event = client.put(EVENT_URL, body, content_type="application/json", **headers)
    assert event.status_code == 403


def test_without_a_token_nothing_changes(client, catalog, definitions):
    assert put(client, {}, form="newborn_hukou", process="hukou").status_code == 401
    assert not AuditEvent.objects.filter(action="catalog.application_bound").exists()


EVENT_URL = "/api/v1/catalog/life-events/newborn/process"


def test_an_editor_of_every_department_sets_a_life_events_process(client, catalog, newborn_process):
    from onewindow.catalog.models import LifeEvent

    # The city's platform admin edits every department the event spans.
    headers = signed_in(client, catalog, Role.PLATFORM_ADMIN, "root")
    body = {"process": "newborn", "process_version": 1}
    response = client.put(EVENT_URL, body, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "event": "newborn",
        "process": "newborn v1",
        "process_key": "newborn",
        "process_version": 1,
    }
    assert LifeEvent.objects.get(code="newborn").process.version == 1
    unbound = client.put(EVENT_URL, {"process": None}, content_type="application/json", **headers)
    assert unbound.json()["process"] is None
    assert LifeEvent.objects.get(code="newborn").process is None
    bound = AuditEvent.objects.filter(action="catalog.event_process_bound", outcome="success")
    assert [e.detail["process"] for e in bound.order_by("seq")] == ["newborn v1", None]


def test_a_process_not_fitting_the_event_is_a_field_error(client, catalog, definitions):
    from onewindow.catalog.models import LifeEvent

    # The police's own hukou process: no lane for the event's other departments.
    headers = signed_in(client, catalog, Role.PLATFORM_ADMIN, "root")
    body = {"process": "hukou"}
    response = client.put(EVENT_URL, body, content_type="application/json", **headers)
    assert response.status_code == 422
    [problem] = response.json()["fields"]["process"]
    assert problem.startswith("This process has no lane for ")
    assert LifeEvent.objects.get(code="newborn").process is None
    assert not AuditEvent.objects.filter(action="catalog.event_process_bound")


def test_one_departments_editor_may_not_set_an_events_process(client, catalog, definitions):
    headers = signed_in(client, catalog)  # GA's admin; the event spans other departments
    body = {"process": "hukou"}
    response = client.put(EVENT_URL, body, content_type="application/json", **headers)
    assert response.status_code == 403
    denied = AuditEvent.objects.get(action="catalog.event_process_bound")
    assert denied.outcome == "denied"


def test_an_events_process_must_exist(client, catalog, definitions):
    headers = signed_in(client, catalog, Role.PLATFORM_ADMIN, "root")
    body = {"process": "nope"}
    response = client.put(EVENT_URL, body, content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["fields"] == {"process": ["No such process."]}
    missing = "/api/v1/catalog/life-events/no-such-event/process"
    gone = client.put(missing, {"process": None}, content_type="application/json", **headers)
    assert gone.status_code == 404
