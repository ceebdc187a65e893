"""Which items and life events run a process version or ask a form version
(catalog/definition_uses.py), as the processes' and forms' back offices list them: a
published item, an item's open draft and a life event's process of the whole, each
linked to its back-office page when the reader may open it, else to its public page if
it has one, else named only."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from django.conf import settings
from django.utils import translation

from onewindow.catalog import services
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.conftest import holder_logged_in, proposed_chinese
from onewindow.forms import library as forms_library
from onewindow.forms.models import FormDefinition
from onewindow.identity.models import Department
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
    _client, city_admin = holder_logged_in(Role.PLATFORM_ADMIN, catalog["root"])
    with translation.override("en"):
        uses = library.process_uses.of(versions, reader=city_admin)
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


# --- linked for their reader ------------------------------------------------------------

# The .po file's text for the message a use the reader may not open is shown by, as
# proposed (``proposed_chinese``) until the file carries it.
UNLINKED_ZH = {
    "what uses a definition version, unlinked, and its state\x04"
    '%(label)s <span class="muted">(%(note)s)</span>': (
        '%(label)s<span class="muted">（%(note)s）</span>'
    ),
}
NEVER_PUBLISHED = "310000-WJ-QR-0009"


def never_published_draft(department: Department, **bound: Any) -> ServiceItem:
    """An item of ``department`` that has only a draft, bound as ``bound`` says."""
    item = ServiceItem.objects.create(code=NEVER_PUBLISHED, department=department)
    ServiceItemVersion.objects.create(
        item=item,
        number=1,
        status=VersionStatus.DRAFT,
        name="出生登记试点",
        name_en="Birth registration pilot",
        kind="confirmation",
        audience="person",
        legal_basis="《测试条例》第一条",
        conditions="符合条件的申请人。",
        statutory_limit_days=20,
        promised_limit_days=5,
        online_level=4,
        max_visits=1,
        **bound,
    )
    return item


@pytest.fixture
def shared_form(catalog: Any) -> FormDefinition:
    """A form asked by an item of the police (GA), a published one of the health
    commission (WJ) and one of theirs never published."""
    from onewindow.forms.tests.conftest import make_definition

    form = make_definition(key="birth_form", title="出生登记表")
    for code in ("310000-GA-QR-0001", "310000-WJ-QR-0001"):
        services.bind_application(actor=None, code=code, form=form, process=None)
    never_published_draft(catalog["WJ"], form=form)
    return form


def test_an_item_the_reader_may_not_open_links_to_its_guide_or_to_nothing(catalog, shared_form):
    _client, police_admin = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])
    _client, city_admin = holder_logged_in(Role.PLATFORM_ADMIN, catalog["root"])
    found = forms_library.form_uses.of([shared_form], reader=police_admin)[shared_form.pk]
    assert [use.url for use in found] == [
        "/backoffice/catalog/items/310000-GA-QR-0001/",  # theirs: its back-office page
        "/services/items/310000-WJ-QR-0001/",  # another's, published: its guide
        "",  # another's, never published: named only
    ]
    found = forms_library.form_uses.of([shared_form], reader=city_admin)[shared_form.pk]
    assert [use.url for use in found] == [
        f"/backoffice/catalog/items/{code}/"
        for code in ("310000-GA-QR-0001", "310000-WJ-QR-0001", NEVER_PUBLISHED)
    ]


def links_in(html: str, section: str) -> list[str]:
    """The links of the page's section headed by ``section`` (an id)."""
    page = lxml.html.fromstring(html)
    [found] = page.xpath(f'//section[@aria-labelledby="{section}"]')
    return [str(a.get("href")) for a in found.xpath(".//a[@href]")]


@pytest.mark.parametrize(
    ("language", "unlinked"),
    [
        ("en", 'Birth registration pilot (310000-WJ-QR-0009) <span class="muted">(Draft)</span>'),
        ("zh-hans", '出生登记试点（310000-WJ-QR-0009）<span class="muted">（草稿）</span>'),
    ],
)
def test_the_form_page_links_only_pages_its_reader_may_open(
    catalog, shared_form, language, unlinked
):
    client, _user = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with proposed_chinese(UNLINKED_ZH):
        html = client.get("/backoffice/forms/form/birth_form/").content.decode()
    for section in ("uses-title", "versions-title"):
        links = [link for link in links_in(html, section) if not link.startswith("?")]
        assert links == [
            "/backoffice/catalog/items/310000-GA-QR-0001/",
            "/services/items/310000-WJ-QR-0001/",
        ], section
        for link in links:  # none answers "Not allowed"
            assert client.get(link).status_code == 200, link
    uses = html[html.index('id="uses-title"') :]
    assert unlinked in uses[: uses.index("</section>")]


def test_the_process_page_links_only_pages_its_reader_may_open(catalog, versions):
    first, _second = versions
    for code in ("310000-GA-QR-0001", "310000-WJ-QR-0001"):
        services.bind_application(actor=None, code=code, form=None, process=first)
    services.bind_event_process(code="newborn", process=first)
    client, _user = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/backoffice/processes/process/hukou/", {"version": "1"}).content.decode()
    links = links_in(html, "uses-title")
    assert links == [
        "/backoffice/catalog/items/310000-GA-QR-0001/",
        "/services/items/310000-WJ-QR-0001/",
        "/backoffice/catalog/life-events/newborn/process/",
    ]
    for link in links:
        assert client.get(link).status_code == 200, link
