"""Which items and life events run a process version (catalog/process_uses.py), as the
processes' back office lists them: a published item, an item's open draft and a life
event's process of the whole, each linked to its back-office page."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from onewindow.catalog import services
from onewindow.conftest import holder_logged_in
from onewindow.identity.roles import Role
from onewindow.workflow import library
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(catalog: Any) -> list[ProcessDefinition]:
    return [
        ProcessDefinition.objects.create(
            key="hukou", version=n, name="户口登记", bpmn_xml=read_process("newborn_hukou.bpmn")
        )
        for n in (1, 2)
    ]


def test_items_and_events_are_listed_under_the_version_they_run(catalog, versions):
    first, second = versions
    services.bind_application(actor=None, code="310000-GA-QR-0001", form=None, process=first)
    _editor, user = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])
    services.bind_application(actor=user, code="310000-GA-QR-0001", form=None, process=second)
    services.bind_event_process(code="newborn", process=second)
    with translation.override("en"):
        uses = library.process_uses.of(versions)
    assert [(use.url, use.note) for use in uses[first.pk]] == [
        ("/backoffice/catalog/items/310000-GA-QR-0001/", "Published"),
    ]
    assert [(use.url, use.note) for use in uses[second.pk]] == [
        ("/backoffice/catalog/items/310000-GA-QR-0001/", "Draft"),
        ("/backoffice/catalog/life-events/newborn/process/", "Life event"),
    ]


def test_the_process_page_says_what_runs_each_version(catalog, versions):
    first, _second = versions
    services.bind_application(actor=None, code="310000-GA-QR-0001", form=None, process=first)
    client, _user = holder_logged_in(Role.PLATFORM_ADMIN, catalog["root"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    newest = client.get("/backoffice/processes/process/hukou/")
    assert newest.context["uses"].shown == [] and newest.context["uses"].older_in_use
    page = newest.content.decode()
    assert "No service item or life event is bound to this version." in page
    assert "still bound to an older version" in page
    older = client.get("/backoffice/processes/process/hukou/", {"version": "1"})
    [use] = older.context["uses"].shown
    assert "310000-GA-QR-0001" in use.label and not older.context["uses"].older_in_use


def test_the_form_page_says_which_items_ask_each_version(catalog):
    from onewindow.forms.tests.conftest import make_definition

    first = make_definition(key="hukou_form", title="户口登记表")
    second = make_definition(key="hukou_form", title="户口登记表")
    services.bind_application(actor=None, code="310000-GA-QR-0001", form=first, process=None)
    client, _user = holder_logged_in(Role.PLATFORM_ADMIN, catalog["root"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/backoffice/forms/form/hukou_form/")
    uses = page.context["uses"]
    assert page.context["shown"] == second and uses.shown == [] and uses.older_in_use
    assert [[use.url for use in bound] for _v, bound in uses.versions] == [
        [],
        ["/backoffice/catalog/items/310000-GA-QR-0001/"],
    ]
    assert "Some items are still bound to an older version" in page.content.decode()
    # The versions' table says each use's state, as the list under the version does: an
    # item bound by a published version and by a draft read alike there (QA).
    html = page.content.decode()
    table = html[html.index('id="versions-title"') :]
    row = table[: table.index("</tbody>")]
    assert '(310000-GA-QR-0001)</a> <span class="muted">(Published)</span>' in row
