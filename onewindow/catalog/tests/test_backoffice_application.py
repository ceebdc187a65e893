"""Binding an item's online application in the back office (``item_application_view``):
the department's editors choose a form and a process into the item's draft, which review
publishes like any other change; the item page and the review's comparison show it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.catalog import queries, reviews, services
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
    ("role", "where", "status"),
    [
        # Another department's editor: the item is published, not theirs (403).
        (Role.DEPARTMENT_ADMIN, "SJ", 403),
        (Role.REVIEWING_OFFICER, "GA", 404),  # the department's, but no editor
    ],
)
def test_other_officers_are_refused(catalog, definitions, role, where, status):
    client = editor(catalog, role, where)
    assert client.get(URL).status_code == status
    body = {"form": "passport_application:2", "process": "passport:1"}
    assert client.post(URL, body).status_code == status
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
    reviews.submit_for_review(actor=author, code=PASSPORT)
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


# --- what may be bound: the process's lanes, another department's form --------------


@pytest.fixture
def others(catalog: Any) -> dict[str, Any]:
    """The health commission's process and the medical insurance bureau's form, which
    the insurance item asks."""
    insurance_form = make_definition(
        key="newborn_insurance", title="新生儿参保登记表", title_en="Newborn insurance form"
    )
    services.bind_application(
        actor=None, code="310000-YB-GG-0001", form=insurance_form, process=None
    )
    return {
        "form": insurance_form,
        "birth_certificate": ProcessDefinition.objects.create(
            key="birth_certificate",
            version=1,
            name="出生医学证明",
            bpmn_xml=read_process("birth_certificate.bpmn"),
        ),
        "newborn": ProcessDefinition.objects.create(
            key="newborn", version=1, name="新生儿出生一件事", bpmn_xml=read_process("newborn.bpmn")
        ),
    }


def passport_events() -> Any:
    target = str(ServiceItem.objects.get(code=PASSPORT).pk)
    return AuditEvent.objects.filter(action="catalog.application_bound", target_id=target)


def test_a_process_without_a_lane_for_the_department_is_an_error_at_the_process(
    catalog, definitions, others
):
    # The QA's case: the police item, another item's form, the health commission's process.
    client = editor(catalog)
    response = client.post(URL, {"form": "newborn_insurance:1", "process": "birth_certificate:1"})
    assert response.status_code == 422
    assert response.context["application"].errors["process"] == [
        "This process has no lane for Department 310000-GA: the item's applications would go "
        "to other departments' inboxes. Choose a process with a lane for Department 310000-GA."
    ]
    page = response.content.decode()
    assert 'href="#id_process"' in page and "Nothing was saved." in page
    assert draft() is None
    assert not passport_events().exists()


def test_a_process_reaching_other_departments_is_refused_at_the_process_on_record(
    catalog, definitions, others
):
    client = editor(catalog)
    response = client.post(URL, {"form": "passport_application:1", "process": "newborn:1"})
    assert response.status_code == 403
    [message] = response.context["application"].errors["process"]
    assert message.startswith("Only an editor of every department in the process's lanes")
    assert message.endswith(
        "you do not edit Department 310000-RS, Department 310000-WJ, Department 310000-YB."
    )
    assert draft() is None
    assert [event.outcome for event in passport_events()] == ["denied"]


def test_the_review_warns_of_another_departments_form(catalog, definitions, others):
    client = editor(catalog)
    response = client.post(URL, {"form": "newborn_insurance:1", "process": "passport:1"})
    assert response.status_code == 302  # forms belong to no department: not refused
    page = client.get(ITEM_URL)
    assert page.context["shared_form"] == [
        "Medical insurance enrolment of a newborn (310000-YB-GG-0001, Department 310000-YB)"
    ]
    html = page.content.decode()
    assert (
        "The draft's form newborn_insurance v1 is also the application form of another "
        "department's item; check that it is meant for this one:"
    ) in html
    # The police's own forms, asked by nobody else's items, warn of nothing.
    client.post(URL, {"form": "passport_application:2", "process": "passport:1"})
    page = client.get(ITEM_URL)
    assert page.context["shared_form"] == []
    assert "is also the application form" not in page.content.decode()


def test_the_warning_reads_any_version_of_the_form_and_costs_one_query(
    catalog, definitions, others, django_assert_num_queries
):
    from onewindow.catalog import shared_forms

    newer = make_definition(key="newborn_insurance", title="新生儿参保登记表（新）")
    user = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    services.bind_application(actor=user, code=PASSPORT, form=newer, process=None)
    version = draft()
    assert version is not None
    with django_assert_num_queries(1):
        found = shared_forms.items_of_other_departments(version)
    # Each "name (code, department)", its brackets as the active language writes them.
    assert [re.split(r" \(|（", text)[0] for text in found] == ["新生儿医保参保登记"]


def test_the_warning_is_punctuated_as_chinese_is(catalog, definitions, others, chinese):
    client, _ = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])  # Chinese
    client.post(URL, {"form": "newborn_insurance:1", "process": "passport:1"})
    html = client.get(ITEM_URL).content.decode()
    assert "<li>新生儿医保参保登记（310000-YB-GG-0001，市医保局）</li>" in html
    assert "草稿的表单 newborn_insurance v1 也是其他部门 1 个事项的申请表" in html


def test_the_refusal_names_the_department_in_the_readers_language(catalog, others, chinese):
    client, _ = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])  # Chinese
    response = client.post(URL, {"form": "", "process": "birth_certificate:1"})
    assert response.context["application"].errors["process"] == [
        "该流程没有市公安局的泳道：本事项的申请将进入其他部门的待办。请选择含有市公安局泳道的流程。"
    ]


# --- steps allowed longer than the item promises --------------------------------------


def promise(catalog: Any, days: int) -> None:
    """An editor's draft of the passport promising ``days`` working days."""
    from onewindow.catalog.transfer import version_as_dict

    author = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    data = version_as_dict(queries.published_version(PASSPORT))
    services.save_draft(actor=author, data={**data, "promised_limit_days": days})


def test_the_review_flags_a_step_allowed_longer_than_the_promise(catalog, definitions):
    # The QA's case: a 2-day licence step under a 1-day promise read "on time" to its
    # officer after the case was due. A warning, not a refusal: the case's clock governs.
    client = editor(catalog)
    assert client.post(URL, {"form": "", "process": "passport:1"}).status_code == 302
    page = client.get(ITEM_URL)
    assert page.context["long_steps"] == []  # review 5 days, promised 5
    assert "allows more time than the item promises" not in page.content.decode()
    promise(catalog, 3)
    response = client.post(URL, {"form": "passport_application:1", "process": "passport:1"})
    assert response.status_code == 302 and bound(draft())[1] == "passport v1"
    page = client.get(ITEM_URL)
    assert page.context["long_steps"] == ["Review (5 working days)"]
    html = " ".join(page.content.decode().split())
    assert (
        "One step of the process allows more time than the item promises (3 working days): "
        "its officer would see it as on time after the case is overdue. The case's time "
        "limit still governs; check the step's limit or the promise:"
    ) in html
    assert "<li>Review (5 working days)</li>" in html
    # The application page says it of the binding it shows, and so does the reviewer's.
    assert "<li>Review (5 working days)</li>" in client.get(URL).content.decode()
    reviews.submit_for_review(actor=draft().author, code=PASSPORT)
    reviewer = editor(catalog)
    page = reviewer.get(ITEM_URL)
    assert page.context["can_review"] and page.context["long_steps"] == ["Review (5 working days)"]


def test_a_process_uploaded_before_the_lane_rule_with_an_idle_lane_is_refused_at_binding(
    catalog, definitions
):
    """A lane of a role that works on no case was refused at upload from the lane rule on
    (ADR 0010); a version uploaded before it no longer loads (the rule is the parser's),
    so it is refused here too, and its tasks never wait for an inbox nobody sees."""
    from onewindow.core.errors import InvalidInput

    bpmn = read_process("single_department.bpmn").replace(
        'name="310000-GA/reviewing_officer"', 'name="310000-GA/supervisor"'
    )
    old = ProcessDefinition.objects.create(key="old_passport", version=1, name="旧", bpmn_xml=bpmn)
    user = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    with pytest.raises(InvalidInput) as refused, translation.override("en"):
        services.bind_application(actor=user, code=PASSPORT, form=None, process=old)
    with translation.override("en"):
        message = str(refused.value.fields["process"][0])
    assert message == "This process version can no longer be loaded."
    assert not ServiceItemVersion.objects.filter(process=old).exists()  # nothing bound


def test_the_review_flags_steps_that_one_after_another_outrun_the_promise(catalog, definitions):
    # Each step may fit the promise while the steps after acceptance, one after another,
    # do not (company start: licence 2 + registrations 1 under a 2-day promise).
    from onewindow.catalog import step_limits

    client = editor(catalog)
    promise(catalog, 5)
    client.post(URL, {"form": "passport_application:1", "process": "passport:1"})
    assert step_limits.route_longer_than_promised(draft()) == 0  # review 5, from acceptance
    promise(catalog, 4)
    client.post(URL, {"form": "passport_application:1", "process": "passport:1"})
    page = client.get(ITEM_URL)
    # The review alone allows the 5 days: its step's warning says so, and only it (QA
    # read the same warning twice).
    assert (page.context["long_steps"], page.context["long_route"]) == (
        ["Review (5 working days)"],
        0,
    )
    assert "One after another" not in page.content.decode()
    # The company start: the licence (1 day) and then the registrations (1 day each, in
    # parallel) under a 1-day promise: no step alone outruns it, the route does.
    company = ProcessDefinition.objects.create(
        key="company_start", version=1, name="企业开办", bpmn_xml=read_process("company_start.bpmn")
    )
    version = draft()
    version.process, version.promised_limit_days = company, 1
    assert step_limits.steps_longer_than_promised(version) == []
    assert step_limits.route_longer_than_promised(version) == 2
    with translation.override("en"):
        html = " ".join(
            render_to_string(
                "catalog/backoffice/_step_limits.html",
                {"version": version, "steps": [], "route_days": 2},
            ).split()
        )
    assert (
        "One after another, the process's steps allow up to 2 working days, more than the "
        "item promises (1 working day): a case can be late while each of its steps is on "
        "time. Check the steps' limits or the promise."
    ) in html
    version.process = None
    assert step_limits.route_longer_than_promised(version) == 0


def test_every_step_over_an_on_the_spot_promise_is_flagged(catalog, definitions):
    from onewindow.catalog import step_limits

    promise(catalog, 0)
    user = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    services.bind_application(
        actor=user, code=PASSPORT, form=None, process=definitions["processes"][0]
    )
    version = draft()
    with translation.override("en"):
        assert step_limits.steps_longer_than_promised(version) == [
            "Window acceptance (1 working day)",
            "Review (5 working days)",
        ]
    with translation.override("zh-hans"):
        found = step_limits.steps_longer_than_promised(version)
    assert [re.split(r" \(|（", text)[0] for text in found] == ["窗口受理", "审核"]
    version.process = None
    assert step_limits.steps_longer_than_promised(version) == []


def test_the_step_warning_in_chinese(catalog, definitions, chinese):
    promise(catalog, 3)
    client, _ = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])  # Chinese
    client.post(URL, {"form": "", "process": "passport:1"})
    html = " ".join(client.get(ITEM_URL).content.decode().split())
    assert "<li>审核（5 个工作日）</li>" in html
    assert (
        "流程中有 1 个环节的办理时限长于本事项的承诺时限（3 个工作日）：承办人会在办件超期后"
        "仍看到该环节“正常”。办件仍以承诺时限计时，请核实环节时限或承诺时限："
    ) in html
