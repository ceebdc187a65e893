"""Binding an item's online application in the back office (``item_application_view``):
the department's editors choose a form and a process into the item's draft, which review
publishes like any other change; the item page and the review's comparison show it."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from onewindow.audit.models import AuditEvent
from onewindow.catalog import queries, services
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.conftest import PASSWORD, holder_logged_in, make_user
from onewindow.forms.models import FormDefinition
from onewindow.forms.tests.conftest import make_definition
from onewindow.identity.roles import Role
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process

pytestmark = pytest.mark.django_db

PASSPORT = "310000-GA-XK-0002"
BASE = "/backoffice/catalog"
URL = f"{BASE}/items/{PASSPORT}/application/"
ITEM_URL = f"{BASE}/items/{PASSPORT}/"


@pytest.fixture
def definitions(catalog: Any) -> dict[str, Any]:
    """Two versions of a form and of a process, and another form."""
    forms = [
        make_definition(key="passport_application", title="护照申请表", title_en="Passport form"),
        make_definition(
            key="passport_application", title="护照申请表（新）", title_en="Passport form (new)"
        ),
        make_definition(key="visa_application", title="签证申请表", title_en="Visa form"),
    ]
    processes = [
        ProcessDefinition.objects.create(
            key="passport",
            version=version,
            name="护照签发",
            bpmn_xml=read_process("single_department.bpmn"),
        )
        for version in (1, 2)
    ]
    return {"forms": forms, "processes": processes}


def editor(catalog: Any, role: str = Role.DEPARTMENT_ADMIN, where: str = "GA") -> Client:
    """A signed-in officer reading the pages in English."""
    client, _ = holder_logged_in(role, catalog[where])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def bound(version: ServiceItemVersion | None) -> tuple[str | None, str | None]:
    assert version is not None
    form, process = version.form, version.process
    return (
        f"{form.key} v{form.version}" if form else None,
        f"{process.key} v{process.version}" if process else None,
    )


def draft() -> ServiceItemVersion | None:
    return queries.open_version(ServiceItem.objects.get(code=PASSPORT))


def bind_published(form: FormDefinition | None, process: ProcessDefinition | None) -> None:
    services.bind_application(actor=None, code=PASSPORT, form=form, process=process)


def test_the_page_offers_every_version_grouped_by_key_newest_first(catalog, definitions):
    bind_published(definitions["forms"][0], definitions["processes"][1])
    page = editor(catalog).get(URL).content.decode()
    assert '<option value="">No online application form</option>' in page
    assert '<option value="">No process</option>' in page
    assert '<optgroup label="passport_application">' in page
    assert '<optgroup label="visa_application">' in page
    newest = page.index('value="passport_application:2"')
    assert newest < page.index('value="passport_application:1"')
    assert "passport_application v2 — Passport form (new) (newest)" in page
    assert "passport_application v1 — Passport form<" in page
    assert "passport v2 — 护照签发 (newest)" in page
    # The published version's binding is chosen to begin with.
    assert '<option value="passport_application:1" selected>' in page
    assert '<option value="passport:2" selected>' in page
    assert "takes no online applications" in page and "Cases already filed" in page


def test_the_titles_follow_the_readers_language(catalog, definitions):
    client, _ = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])  # Chinese
    page = client.get(URL).content.decode()
    assert "passport_application v1 — 护照申请表<" in page


def test_an_open_drafts_binding_is_the_one_shown(catalog, definitions):
    bind_published(definitions["forms"][0], definitions["processes"][0])
    client = editor(catalog)
    user = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    services.bind_application(actor=user, code=PASSPORT, form=definitions["forms"][2], process=None)
    page = client.get(URL).content.decode()
    assert '<option value="visa_application:1" selected>' in page
    assert '<option value="" selected>No process</option>' in page


def test_saving_binds_into_the_draft_and_audits(catalog, definitions):
    client = editor(catalog)
    published = queries.published_version(PASSPORT)
    response = client.post(URL, {"form": "passport_application:2", "process": "passport:1"})
    assert response.status_code == 302
    assert response["Location"] == ITEM_URL
    assert bound(draft()) == ("passport_application v2", "passport v1")
    assert draft().status == VersionStatus.DRAFT
    # Applicants keep the published version until review publishes the draft.
    assert queries.published_version(PASSPORT).pk == published.pk
    assert bound(queries.published_version(PASSPORT)) == (None, None)
    event = AuditEvent.objects.get(action="catalog.application_bound")
    assert event.detail["form"] == "passport_application v2"
    assert event.detail["process"] == "passport v1"
    item_page = client.get(response["Location"]).content.decode()
    assert "they apply to applications once the draft is published" in item_page
    # Choosing nothing unbinds, in the same draft.
    assert client.post(URL, {"form": "", "process": ""}).status_code == 302
    assert bound(draft()) == (None, None)
    assert ServiceItemVersion.objects.filter(item__code=PASSPORT).count() == 2


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.DEPARTMENT_ADMIN, "SJ"),  # another department's editor
        (Role.REVIEWING_OFFICER, "GA"),  # the department's, but no editor
    ],
)
def test_other_officers_get_not_found(catalog, definitions, role, where):
    client = editor(catalog, role, where)
    assert client.get(URL).status_code == 404
    body = {"form": "passport_application:2", "process": "passport:1"}
    assert client.post(URL, body).status_code == 404
    assert draft() is None
    assert not AuditEvent.objects.filter(action="catalog.application_bound").exists()


def test_citizens_and_strangers_get_nothing(catalog, definitions, citizen):
    assert Client().get(URL)["Location"].startswith("/login/")
    client = Client()
    client.post("/login/", {"username": citizen.username, "password": PASSWORD})
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"form": "", "process": "passport:1"}).status_code == 404
    assert draft() is None


def test_a_draft_in_review_cannot_change(catalog, definitions):
    client = editor(catalog)
    client.post(URL, {"form": "passport_application:1", "process": "passport:1"})
    author = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    services.submit_for_review(actor=author, code=PASSPORT)
    events = AuditEvent.objects.count()
    locked = client.get(URL)
    assert locked.status_code == 409
    assert "awaiting review" in locked.content.decode()
    response = client.post(URL, {"form": "passport_application:2", "process": "passport:2"})
    assert response.status_code == 409
    assert bound(draft()) == ("passport_application v1", "passport v1")
    assert AuditEvent.objects.count() == events
    item_page = client.get(ITEM_URL).content.decode()
    assert URL not in item_page  # no link to a page that would refuse


def test_an_unknown_version_is_a_field_error_and_nothing_is_saved(catalog, definitions):
    client = editor(catalog)
    response = client.post(URL, {"form": "passport_application:9", "process": "passport:1"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error-summary"' in page and 'href="#id_form"' in page
    assert "Nothing was saved." in page and "No such form (or version)." in page
    assert "field-error" in page
    assert draft() is None
    assert not AuditEvent.objects.filter(action="catalog.application_bound").exists()


def test_the_item_page_shows_the_binding_and_links_to_the_page(catalog, definitions):
    client = editor(catalog)
    page = client.get(ITEM_URL).content.decode()
    assert "Online application" in page
    assert page.count("<dd>None</dd>") == 2
    assert f'href="{URL}"' in page
    bind_published(definitions["forms"][1], None)
    page = client.get(ITEM_URL).content.decode()
    assert "passport_application v2" in page
    assert "takes no online applications" in page  # a form without a process
    client.post(URL, {"form": "passport_application:2", "process": "passport:2"})
    page = client.get(ITEM_URL).content.decode()
    assert "As in the draft" in page and "passport v2" in page
    assert "takes no online applications" not in page
    # Each links to its page in the forms' and the processes' back offices.
    assert 'href="/backoffice/forms/form/passport_application/?version=2"' in page
    assert 'href="/backoffice/processes/process/passport/?version=2"' in page


def test_the_comparison_shows_a_changed_process(catalog, definitions):
    bind_published(definitions["forms"][1], definitions["processes"][0])
    client = editor(catalog)
    client.post(URL, {"form": "passport_application:2", "process": "passport:2"})
    page = client.get(ITEM_URL).content.decode()
    changed = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = [row for row in changed.split("<tr") if 'class="changed"' in row]
    assert len(rows) == 1  # the draft copied the rest of the guide
    assert "Process" in rows[0] and "<td>passport v1</td><td>passport v2</td>" in rows[0]
    assert "<td>passport_application v2</td><td>passport_application v2</td>" in changed
