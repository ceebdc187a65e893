"""The cases pages: applying, the receipt, my cases, the case page, the inbox and the
task page, each for the people entitled to it and a 404 for everyone else."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import lxml.html
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.http import urlencode

from onewindow.audit.models import AuditEvent
from onewindow.cases import officer_views, views
from onewindow.cases.choices import CaseStatus
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import (
    ADOPTION,
    COMPANY,
    PASSPORT,
    answers,
    open_task,
    submit,
)
from onewindow.conftest import PASSWORD, make_user, otp_for
from onewindow.forms.models import Attachment
from onewindow.forms.tests.files import PDF, PNG
from onewindow.identity.models import Department, LegalPerson, User
from onewindow.identity.permissions import is_officer
from onewindow.identity.roles import Role

pytestmark = pytest.mark.single_pass

APPLY = f"/services/items/{PASSPORT}/apply/"


def logged_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    # The pages are read in English here; a language chosen before login is kept.
    client.cookies["django_language"] = "en"
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    if is_officer(user):
        response = client.post("/account/2fa/", {"otp": otp_for(user)})
        assert response.status_code == 302, response.content
    return client


def officer(code: str, role: str = Role.WINDOW_OFFICER) -> User:
    return make_user(roles=[(role, Department.objects.get(code=code))], with_totp=True)


def as_post(data: dict[str, Any]) -> dict[str, Any]:
    """Answers as a browser posts them."""
    posted: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, bool):
            posted[name] = "true" if value else "false"
        elif isinstance(value, list):
            posted[name] = [str(v) for v in value]
        else:
            posted[name] = str(value)
    return posted


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", PNG, content_type="image/png")


def key_of(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html)
    assert found
    return found.group(1)


@pytest.fixture
def people(world: dict[str, User]) -> dict[str, Any]:
    applicant = make_user(email="a@example.invalid")
    return {
        "applicant": applicant,
        "other": make_user(),
        "ga": officer("310000-GA"),
        "ga_review": officer("310000-GA", Role.REVIEWING_OFFICER),
        "mz": officer("310000-MZ"),
    }


def test_apply_page_renders_the_bound_form(people):
    client = logged_in(people["applicant"])
    response = client.get(APPLY)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html and "novalidate" in html
    assert "csrfmiddlewaretoken" in html and key_of(html)
    assert 'name="upload-photo"' in html and 'type="file"' in html


def test_applying_creates_a_case_and_a_double_click_returns_it(people):
    user = people["applicant"]
    client = logged_in(user)
    key = key_of(client.get(APPLY).content.decode())
    body = {**as_post(answers(user, PASSPORT, attach=False)), "idempotency_key": key}
    response = client.post(APPLY, {**body, "upload-photo": photo()})
    case = Case.objects.get(applicant=user)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/receipt/"
    assert case.attachments.count() == 1 and case.status == CaseStatus.SUBMITTED
    again = client.post(APPLY, {**body, "upload-photo": photo()})
    assert again["Location"] == response["Location"]
    assert Case.objects.filter(applicant=user).count() == 1
    receipt = client.get(response["Location"]).content.decode()
    assert case.number in receipt and f'href="/cases/{case.number}/"' in receipt


def test_the_receipt_says_when_by_whom_and_how_long(people):
    user = people["applicant"]
    case = submit(user, PASSPORT)
    client = logged_in(user)
    client.cookies["django_language"] = "en"
    page = lxml.html.fromstring(client.get(f"/cases/{case.number}/receipt/").content)
    details = {words(dt): words(dt.getnext()) for dt in page.xpath("//dl[@class='summary']//dt")}
    promised = case.item_version.promised_limit_days
    assert details == {
        "Submitted on": timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M"),
        "Department": case.department.name_en or f"Department {case.department.code}",
        "Time limit": f"{promised} working days from acceptance.",
    }


def test_a_bad_answer_re_renders_with_field_errors_and_creates_nothing(people):
    user = people["applicant"]
    client = logged_in(user)
    body = as_post(answers(user, PASSPORT, applicant_phone="123", attach=False))
    response = client.post(APPLY, {**body, "idempotency_key": "k1", "upload-photo": photo()})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'class="error-summary"' in html and 'id="id_applicant_phone_error"' in html
    assert not Case.objects.exists()
    # The stored photo is carried along, so the correction needs no second upload.
    kept = Attachment.objects.get(owner=user)
    assert f'name="kept-photo" value="{kept.pk}"' in html
    body["applicant_phone"] = "13916200101"
    response = client.post(APPLY, {**body, "idempotency_key": "k2", "kept-photo": kept.pk})
    assert response.status_code == 302
    assert list(Case.objects.get(applicant=user).attachments.all()) == [kept]


def test_a_refused_upload_is_a_field_error_and_nothing_is_filed(people):
    user = people["applicant"]
    client = logged_in(user)
    wrong = SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf")
    body = as_post(answers(user, PASSPORT, attach=False))
    response = client.post(APPLY, {**body, "idempotency_key": "k", "upload-photo": wrong})
    assert response.status_code == 422
    assert 'id="id_upload-photo_error"' in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_missing_required_document_is_a_field_error(people):
    user = people["applicant"]
    response = logged_in(user).post(APPLY, as_post(answers(user, PASSPORT, attach=False)))
    assert response.status_code == 422
    assert 'id="id_upload-photo_error"' in response.content.decode()
    assert not Case.objects.exists()


def test_life_event_application_renders_one_merged_form(people):
    response = logged_in(people["applicant"]).get("/cases/events/newborn/apply/")
    assert response.status_code == 200
    assert 'name="idempotency_key"' in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_date_question_names_no_format_its_date_picker_will_not_use(people, language):
    """The browser's date picker shows and takes the day in the reader's own format
    (month/day/year in an American English browser): no hint says "2025-03-07"."""
    client = logged_in(people["applicant"])
    client.cookies["django_language"] = language
    for url, name in (
        (APPLY, "applicant_birth_date"),
        ("/cases/events/newborn/apply/", "child_birth_date"),
    ):
        page = lxml.html.fromstring(client.get(url).content)
        [date] = page.xpath(f'//input[@name="{name}"]')
        assert date.get("type") == "date", url
        assert not page.xpath(f'//*[@id="id_{name}_helptext"]'), url
        assert f"id_{name}_helptext" not in (date.get("aria-describedby") or ""), url
        assert "2025-03-07" not in page.text_content(), url


def test_pages_for_the_right_people_and_404_for_the_others(people):
    case = submit(people["applicant"], PASSPORT)
    task = open_task(case, "Task_accept")
    pages = {
        f"/cases/{case.number}/": {"applicant": 200, "other": 404, "ga": 200, "mz": 404},
        f"/cases/{case.number}/receipt/": {"applicant": 200, "other": 404, "ga": 404},
        "/cases/inbox/": {"applicant": 404, "ga": 200, "mz": 200},
        f"/cases/tasks/{task.pk}/": {"applicant": 404, "other": 404, "ga": 200, "mz": 404},
        "/cases/": {"applicant": 200, "other": 200},
    }
    clients = {name: logged_in(people[name]) for name in ("applicant", "other", "ga", "mz")}
    for url, expected in pages.items():
        for who, status in expected.items():
            assert clients[who].get(url).status_code == status, (url, who)
    mine = clients["applicant"].get("/cases/").content.decode()
    assert (
        case.number in mine and case.number not in clients["other"].get("/cases/").content.decode()
    )
    assert case.number in clients["ga"].get("/cases/inbox/").content.decode()
    assert case.number not in clients["mz"].get("/cases/inbox/").content.decode()
    for who in ("applicant", "other", "mz"):
        assert clients[who].post(f"/cases/tasks/{task.pk}/claim/").status_code == 404


def test_an_officer_sees_identity_numbers_and_the_view_is_audited(people):
    case = submit(people["applicant"], PASSPORT)
    html = logged_in(people["ga"]).get(f"/cases/{case.number}/").content.decode()
    assert people["applicant"].id_number in html
    assert AuditEvent.objects.filter(action="identity.personal_data_viewed").count() == 1


def test_officers_claim_and_decide_through_the_pages(people):
    case = submit(people["applicant"], PASSPORT)
    task = open_task(case, "Task_accept")
    ga = logged_in(people["ga"])
    page = ga.get(f"/cases/tasks/{task.pk}/").content.decode()
    assert 'value="accept"' in page and 'value="not_accepted"' in page
    assert 'value="approve"' not in page
    response = ga.post(f"/cases/tasks/{task.pk}/claim/", {"next": "/cases/inbox/"})
    assert response.status_code == 302 and response["Location"] == "/cases/inbox/"
    assert "Release" in ga.get("/cases/inbox/").content.decode()
    refused = ga.post(f"/cases/tasks/{task.pk}/", {"outcome": "not_accepted", "comment": ""})
    assert refused.status_code == 422
    assert 'id="id_comment_error"' in refused.content.decode()
    decided = ga.post(
        f"/cases/tasks/{task.pk}/",
        {"outcome": "accept", "comment": "材料齐全", "note_for_applicant": "请等待审核结果"},
    )
    assert decided.status_code == 302
    # The inbox it lands on says which case the decision was on.
    assert (
        f"Your decision on the task “Window acceptance” of case {case.number} was recorded."
        in ga.get(decided["Location"]).content.decode()
    )
    review = open_task(case, "Task_review")
    reviewer = logged_in(people["ga_review"])
    assert reviewer.post(f"/cases/tasks/{review.pk}/claim/").status_code == 302
    response = reviewer.post(
        f"/cases/tasks/{review.pk}/", {"outcome": "approve", "comment": "准予签发"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    html = logged_in(people["applicant"]).get(f"/cases/{case.number}/").content.decode()
    timeline = html[html.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.count("<li") == 3
    assert "请等待审核结果" in timeline and "准予签发" in timeline
    with translation.override("en"):  # the language the page was read in
        assert str(CaseStatus.APPROVED.label) in html


def test_a_closed_task_shows_no_decision_form(people):
    case = submit(people["applicant"], PASSPORT)
    task = open_task(case, "Task_accept")
    ga = logged_in(people["ga"])
    ga.post(f"/cases/tasks/{task.pk}/", {"outcome": "accept", "comment": "ok"})
    page = ga.get(f"/cases/tasks/{task.pk}/").content.decode()
    assert 'name="outcome"' not in page


def test_list_query_counts(people, django_assert_max_num_queries):
    applicant = people["applicant"]
    for _n in range(3):
        submit(applicant, PASSPORT)
        submit(applicant, ADOPTION)
    client, ga = logged_in(applicant), logged_in(people["ga"])
    with django_assert_max_num_queries(9):  # the drafts too: none, in one read
        assert client.get("/cases/").status_code == 200
    with django_assert_max_num_queries(10):
        html = ga.get("/cases/inbox/").content.decode()
    assert html.count('href="/cases/tasks/') == 3
    with django_assert_max_num_queries(10):
        assert ga.get(f"/cases/inbox/?service={PASSPORT}&status=submitted").status_code == 200


def test_life_event_page_links_to_its_one_application(client, db):
    from onewindow.catalog import services as catalog_services
    from onewindow.catalog.tests.conftest import EVENTS, ITEMS, TOPICS
    from onewindow.catalog.tests.portal_fixtures import open_applications
    from onewindow.conftest import make_department
    from onewindow.identity.models import DepartmentKind

    root = make_department(code="310000", kind=DepartmentKind.CITY)
    for code in ("GA", "WJ", "YB", "RS", "SJ"):
        make_department(code=f"310000-{code}", parent=root)
    catalog_services.seed_topics(TOPICS)
    catalog_services.seed_items(rows=ITEMS, source="test")
    catalog_services.seed_life_events(EVENTS)
    # Only once one of its items takes applications online (catalog.queries).
    assert "/apply/" not in client.get("/services/events/newborn/").content.decode()
    open_applications("310000-GA-QR-0001")
    html = client.get("/services/events/newborn/").content.decode()
    assert 'href="/cases/events/newborn/apply/"' in html


COMPANY_APPLY = f"/services/items/{COMPANY}/apply/"


def agent_of_the_demo_company() -> tuple[User, LegalPerson]:
    company = LegalPerson.objects.get(agents__username="agent.li")
    agent = make_user()
    company.agents.add(agent)
    return agent, company


def apply_as_choice(html: str) -> str:
    """The value of the checked "Apply as" choice: a company's code, or "" for oneself."""
    checked = re.search(
        r'<input type="radio" name="company" id="[^"]+" value="([^"]*)" checked>', html
    )
    assert checked, "no choice checked"
    return checked.group(1)


def _as_page_posts(user: User, service: str, **extra: str) -> dict[str, Any]:
    """Valid answers with the materials uploaded before (kept, as after a re-render)."""
    data = answers(user, service)
    kept = {f"kept-{slot}": str(pk) for slot, pk in data.pop("attachments").items()}
    return {**as_post(data), **kept, **extra}


def test_an_agent_chooses_to_apply_for_their_company_or_for_themself(people):
    agent, company = agent_of_the_demo_company()
    client = logged_in(agent)
    for_companies = client.get(COMPANY_APPLY).content.decode()
    assert "<legend>Apply as</legend>" in for_companies
    assert apply_as_choice(for_companies) == company.uscc
    assert (
        f'<label for="apply-as-{company.uscc}">For {company.name_en or company.name}'
        in for_companies
    )
    # A service for individuals is applied for as oneself: nothing to choose.
    assert "Apply as" not in client.get(APPLY).content.decode()
    # Someone who represents no company is not asked.
    assert "Apply as" not in logged_in(people["applicant"]).get(APPLY).content.decode()

    response = client.post(COMPANY_APPLY, _as_page_posts(agent, COMPANY, company=company.uscc))
    assert response.status_code == 302, response.content.decode()
    assert Case.objects.get(applicant=agent).company == company
    # My cases names the company on a line of its own, which its style sheet makes so.
    mine = client.get("/cases/").content.decode()
    assert '<span class="muted case-for">' in mine
    assert "/static/cases/cases.css" in mine


def test_a_company_the_agent_does_not_represent_is_refused_and_nothing_is_filed(people):
    agent, _company = agent_of_the_demo_company()
    stranger = LegalPerson.objects.create(
        uscc="91310000MA1FL8TQ3K", name="别家公司", legal_representative="某人"
    )
    posted = _as_page_posts(agent, COMPANY, company=stranger.uscc)
    response = logged_in(agent).post(COMPANY_APPLY, posted)
    assert response.status_code == 422
    assert "You may not apply for this company." in response.content.decode()
    assert not Case.objects.exists()


def test_the_inbox_comes_a_page_at_a_time_keeping_its_filters(people, monkeypatch):
    monkeypatch.setattr(officer_views, "INBOX_PAGE_SIZE", 2)
    numbers = [submit(people["applicant"], PASSPORT).number for _ in range(3)]
    ga = logged_in(people["ga"])
    first = ga.get(f"/cases/inbox/?service={PASSPORT}").content.decode()
    # The caption counts every open task, not the page's.
    assert "3 open tasks" in first and "Showing 1–2 of 3" in first
    assert [n for n in numbers if n in first] == numbers[:2]
    assert f'rel="next" href="?service={PASSPORT}&amp;page=2"' in first
    second = ga.get(f"/cases/inbox/?service={PASSPORT}&page=2").content.decode()
    assert [n for n in numbers if n in second] == numbers[2:]
    assert "Showing 3–3 of 3" in second and 'rel="prev"' in second
    # Claiming from the second page comes back to it.
    assert f'name="next" value="/cases/inbox/?service={PASSPORT}&amp;page=2"' in second
    # A page past the end shows the last; one that is not a number, the first.
    assert numbers[2] in ga.get("/cases/inbox/?page=9").content.decode()
    assert numbers[0] in ga.get("/cases/inbox/?page=last").content.decode()
    # Each page after the first says its number in the title, as a tab shows it.
    assert "<title>Inbox (page 2) · OneWindow</title>" in second
    assert "<title>Inbox · OneWindow</title>" in first


def test_an_inbox_filtered_to_nothing_says_so_and_offers_every_task(people):
    submit(people["applicant"], PASSPORT)
    ga = logged_in(people["ga"])
    none = ga.get("/cases/inbox/?deadline=overdue").content.decode()
    assert "No open task matches these filters." in none
    assert '<a href="/cases/inbox/">Show all open tasks</a>' in none
    assert "There are no open tasks." not in none


def test_my_cases_come_a_page_at_a_time(people, monkeypatch):
    monkeypatch.setattr(views, "MY_CASES_PAGE_SIZE", 2)
    numbers = [submit(people["applicant"], PASSPORT).number for _ in range(3)]
    client = logged_in(people["applicant"])
    first = client.get("/cases/").content.decode()
    assert numbers[2] in first and numbers[1] in first and numbers[0] not in first  # newest first
    assert "Showing 1–2 of 3" in first and 'rel="next" href="?page=2"' in first
    second = client.get("/cases/?page=2").content.decode()
    assert numbers[0] in second and numbers[2] not in second


# --- the task page's decision form ----------------------------------------------------


def task_page(client: Client, task_id: int, data: dict[str, str] | None = None) -> Any:
    """The task page (after posting ``data`` as its decision form, if given), parsed."""
    if data is None:
        response = client.get(f"/cases/tasks/{task_id}/")
    else:
        response = client.post(f"/cases/tasks/{task_id}/", data)
    return response, lxml.html.fromstring(response.content.decode())


def words(element: Any) -> str:
    return " ".join(element.text_content().split())


def having(cls: str) -> str:
    """An XPath test for an element with the class ``cls``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def test_a_decision_without_an_outcome_asks_for_one_in_words(people):
    task = open_task(submit(people["applicant"], PASSPORT), "Task_accept")
    response, page = task_page(logged_in(people["ga"]), task.pk, {"outcome": "", "comment": ""})
    assert response.status_code == 422
    [link] = page.xpath(f"//*[{having('error-summary')}]//a")
    assert (words(link), link.get("href")) == ("Choose an outcome.", "#id_outcome_0")
    fieldset = page.get_element_by_id("id_outcome_0").getparent().getparent()
    assert fieldset.get("aria-describedby") == "id_outcome_error"
    assert words(page.get_element_by_id("id_outcome_error")) == "Error: Choose an outcome."
    task.refresh_from_db()
    assert task.status == "ready"


def test_a_comment_too_long_is_named_in_the_summary(people):
    task = open_task(submit(people["applicant"], PASSPORT), "Task_accept")
    posted = {"outcome": "not_accepted", "comment": "理" * 2001}
    response, page = task_page(logged_in(people["ga"]), task.pk, posted)
    assert response.status_code == 422
    [link] = page.xpath(f"//*[{having('error-summary')}]//a")
    assert (words(link), link.get("href")) == ("Comment: At most 2000 characters.", "#id_comment")
    task.refresh_from_db()
    assert task.status == "ready"


def test_an_outcome_the_step_does_not_offer_is_named_by_the_labels_shown(people):
    task = open_task(submit(people["applicant"], PASSPORT), "Task_accept")
    ga = logged_in(people["ga"])
    response, page = task_page(ga, task.pk, {"outcome": "approve", "comment": "ok"})
    assert response.status_code == 422
    [link] = page.xpath(f"//*[{having('error-summary')}]//a")
    assert words(link) == "Choose one of this step's outcomes: Accept, Not accepted."
    outcomes = page.get_element_by_id("id_outcome_0").getparent().getparent()
    labels = [words(label) for label in outcomes.iter("label")]
    assert labels == ["Accept", "Not accepted"]  # the same words as the choices
    assert "not_accepted" not in words(page.xpath(f"//form[{having('decision-form')}]")[0])


def test_the_decision_panel_is_headed_for_every_kind_of_step(people):
    task = open_task(submit(people["applicant"], PASSPORT), "Task_accept")
    ga = logged_in(people["ga"])
    _response, page = task_page(ga, task.pk)
    assert words(page.get_element_by_id("decision-title")) == "Decision"
    ga.cookies["django_language"] = "zh-hans"
    _response, page = task_page(ga, task.pk)
    assert page.get("lang") == "zh-Hans"
    # Not the review form's "审核结果" (result of a review): this step accepts.
    assert words(page.get_element_by_id("decision-title")) != "审核结果"


def test_a_closed_task_says_so_at_the_top_instead_of_linking_to_no_decision(people):
    task = open_task(submit(people["applicant"], PASSPORT), "Task_accept")
    ga = logged_in(people["ga"])
    _response, page = task_page(ga, task.pk)
    assert page.xpath("//a[@href='#decision-title']")
    assert not page.xpath(f"//*[{having('task-state')}]")
    decided = ga.post(f"/cases/tasks/{task.pk}/", {"outcome": "accept", "comment": ""})
    assert decided.status_code == 302
    _response, page = task_page(ga, task.pk)
    assert not page.xpath("//a[@href='#decision-title']")
    [state] = page.xpath(f"//*[{having('task-state')}]")
    assert words(state) == "This task is closed."
    # Said once: no decision panel saying it again (review).
    assert not page.xpath("//*[@id='decision-title']")


def test_the_comment_field_says_the_applicant_sees_it(people):
    task = open_task(submit(people["applicant"], PASSPORT), "Task_accept")
    ga = logged_in(people["ga"])
    _response, page = task_page(ga, task.pk)
    hint = page.get_element_by_id("id_comment_helptext")
    assert words(hint) == (
        "Kept on the case's record and shown to the applicant: on their case page and "
        "through the API, and in the notification when it is a refusal's reason. Write "
        "nothing here that is meant only for colleagues."
    )
    [label] = page.xpath("//label[@for='id_comment']")
    assert words(label) == "Comment (the applicant sees it; the reason, if you do not accept)"
    comment = page.get_element_by_id("id_comment")
    assert comment.get("aria-describedby") == "id_comment_helptext"
    assert comment.get("aria-invalid") is None
    # With an error, the field names both, the hint first.
    response, page = task_page(ga, task.pk, {"outcome": "not_accepted", "comment": ""})
    assert response.status_code == 422
    comment = page.get_element_by_id("id_comment")
    assert comment.get("aria-describedby") == "id_comment_helptext id_comment_error"
    assert comment.get("aria-invalid") == "true"
    assert page.get_element_by_id("id_comment_error") is not None


def test_choices_sit_beside_their_labels_as_on_the_application_forms(people):
    task = open_task(submit(people["applicant"], PASSPORT), "Task_accept")
    _response, page = task_page(logged_in(people["ga"]), task.pk)
    # forms.css lays out .choice as a row: the control, then its label.
    assert page.xpath("//link[contains(@href, 'forms/forms.css')]")
    controls = page.xpath("//input[@type='radio' or @type='checkbox']")
    assert {c.get("name") for c in controls} == {"outcome", "slot", "other_in_words"}
    for control in controls:
        choice = control.getparent()
        assert choice.get("class") == "choice"
        assert [child.tag for child in choice] == ["input", "label"]
        assert choice[1].get("for") == control.get("id")
        assert choice.getparent().tag == "fieldset" and "choices" in choice.getparent().classes


def test_claiming_and_releasing_say_so(people):
    case = submit(people["applicant"], PASSPORT)
    task = open_task(case, "Task_accept")
    ga = logged_in(people["ga"])
    claimed = ga.post(f"/cases/tasks/{task.pk}/claim/", follow=True)
    assert claimed.redirect_chain == [(f"/cases/tasks/{task.pk}/", 302)]
    page = lxml.html.fromstring(claimed.content.decode())
    [message] = page.xpath(f"//*[{having('messages')}]/*[{having('message-success')}]")
    assert words(message) == f"You claimed the task “Window acceptance” of case {case.number}."
    assert message.get("role") == "status"
    released = ga.post(f"/cases/tasks/{task.pk}/release/", {"next": "/cases/inbox/"}, follow=True)
    assert released.redirect_chain == [("/cases/inbox/", 302)]
    page = lxml.html.fromstring(released.content.decode())
    [message] = page.xpath(f"//*[{having('messages')}]/*[{having('message-success')}]")
    assert words(message) == (
        f"You released the task “Window acceptance” of case {case.number}; "
        "it is back in the department's inbox."
    )
    # A refusal says only what went wrong.
    again = ga.post(f"/cases/tasks/{task.pk}/release/", follow=True)
    page = lxml.html.fromstring(again.content.decode())
    assert not page.xpath(f"//*[{having('message-success')}]")
    [error] = page.xpath(f"//*[{having('messages')}]/*[{having('message-error')}]")
    assert words(error) == "This task is not claimed."


def test_the_service_is_named_in_the_page_language(people):
    """The case keeps the guide's names in both languages as filed; English pages show
    the English one, Chinese pages the official Chinese one."""
    applicant = people["applicant"]
    case = submit(applicant, PASSPORT)
    version = case.item_version
    assert version is not None and version.name_en
    assert (case.service_name, case.service_name_en) == (version.name, version.name_en)
    english = logged_in(applicant)
    pages = [f"/cases/{case.number}/receipt/", "/cases/", f"/cases/{case.number}/"]
    for page in pages:
        html = english.get(page).content.decode()
        assert version.name_en in html and version.name not in html, page
    chinese = logged_in(applicant)
    chinese.cookies["django_language"] = "zh-hans"
    for page in pages:
        assert version.name in chinese.get(page).content.decode(), page


def test_the_inbox_filters_by_the_services_its_cases_are_for(people):
    passport = submit(people["applicant"], PASSPORT)
    adoption = submit(people["applicant"], ADOPTION)
    ga, mz = logged_in(people["ga"]), logged_in(people["mz"])

    def options(client: Client, query: str = "") -> list[tuple[str, str, bool]]:
        page = lxml.html.fromstring(client.get(f"/cases/inbox/{query}").content)
        [select] = page.xpath("//select[@id='id_service']")
        assert page.xpath("//label[@for='id_service']")  # named for assistive technology
        return [(o.get("value"), words(o), o.get("selected") is not None) for o in select]

    # Each officer is offered the services of their own inbox's cases, by name.
    assert options(ga) == [
        ("", "Any", False),
        (PASSPORT, f"{passport.service_name_en} ({PASSPORT})", False),
    ]
    assert [value for value, _label, _chosen in options(mz)] == ["", ADOPTION]
    chosen = ga.get(f"/cases/inbox/?service={PASSPORT}").content.decode()
    assert passport.number in chosen
    assert (PASSPORT, f"{passport.service_name_en} ({PASSPORT})", True) in options(
        ga, f"?service={PASSPORT}"
    )
    # A code from an old link that no longer has tasks here stays visible as chosen.
    assert options(ga, f"?service={ADOPTION}")[-1] == (ADOPTION, ADOPTION, True)
    assert adoption.number not in ga.get(f"/cases/inbox/?service={ADOPTION}").content.decode()
    ga.cookies["django_language"] = "zh-hans"
    assert options(ga)[1] == (PASSPORT, f"{passport.service_name}（{PASSPORT}）", False)


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        (Role.WINDOW_OFFICER, True),
        (Role.DEPARTMENT_LEAD, True),
        (Role.DEPARTMENT_ADMIN, False),
        (Role.DATA_STEWARD, False),
    ],
)
def test_only_the_roles_whose_work_is_cases_read_an_applicants_file(world, role, reads):
    """A department's admin read its applicants' whole files, identity numbers and
    uploads included (QA); configuring services and roles needs none of it."""
    case = submit(world["citizen.wang"], PASSPORT)
    task = case.instance.tasks.get()
    attachment = case.attachments.first()
    client = logged_in(officer("310000-GA", role))
    expected = 200 if reads else 404
    assert client.get(f"/cases/{case.number}/").status_code == expected
    assert client.get(f"/cases/tasks/{task.pk}/").status_code == expected
    download = client.get(f"/forms/attachments/{attachment.pk}/")
    assert (download.status_code == 200) is reads


def test_a_lead_brought_to_a_task_reads_whose_it_is_to_decide(world, people):
    from onewindow.cases.tests.timekit import signed_in, text

    case = submit(people["applicant"], PASSPORT)
    task = open_task(case, "Task_accept")
    follow = "You may follow this task but not decide it"
    lead = signed_in(world["ga.lead"]).get(f"/cases/tasks/{task.pk}/")
    assert lead.status_code == 200
    assert (
        f"{follow}: the officers of Shanghai Municipal Public Security Bureau who work on "
        "this step decide it."
    ) in text(lead)
    assert 'name="outcome"' not in lead.content.decode()
    assert 'href="#decision-title"' not in lead.content.decode()  # no decision of theirs (QA)
    window = signed_in(world["ga.window"]).get(f"/cases/tasks/{task.pk}/")
    assert follow not in text(window)
    assert 'href="#decision-title"' in window.content.decode()


def test_a_decision_returns_to_the_inbox_page_it_was_opened_from(people):
    """QA: deciding went back to the inbox's first page, its filters dropped."""
    tasks = [open_task(submit(people["applicant"], PASSPORT), "Task_accept") for _ in range(2)]
    ga = logged_in(people["ga"])
    inbox = f"/cases/inbox/?service={PASSPORT}&deadline=on_track"
    page = lxml.html.fromstring(ga.get(inbox).content.decode())
    link = page.xpath(f"//a[starts-with(@href, '/cases/tasks/{tasks[0].pk}/')]/@href")[0]
    assert link == f"/cases/tasks/{tasks[0].pk}/?" + urlencode({"back": inbox})
    # The page carries it in its decision form.
    opened = lxml.html.fromstring(ga.get(link).content.decode())
    assert opened.xpath(
        "//form[contains(@class, 'decision-form')]//input[@name='back']/@value"
    ) == [inbox]
    decided = ga.post(f"/cases/tasks/{tasks[0].pk}/", {"outcome": "accept", "back": inbox})
    assert decided["Location"] == inbox
    # Anything but an inbox page of this site is the inbox itself.
    for elsewhere in ("https://evil.example/cases/inbox/", "/account/", "//evil.example/"):
        refused = ga.post(f"/cases/tasks/{tasks[1].pk}/", {"outcome": "accept", "back": elsewhere})
        assert refused["Location"] == "/cases/inbox/", elsewhere
        tasks[1] = open_task(submit(people["applicant"], PASSPORT), "Task_accept")
    # Opened from the inbox's first page, unfiltered: no "back" at all.
    page = lxml.html.fromstring(ga.get("/cases/inbox/").content.decode())
    assert all(
        "back=" not in href for href in page.xpath("//a[starts-with(@href, '/cases/tasks/')]/@href")
    )


def test_the_inbox_narrows_to_the_tasks_i_have_claimed(people, client):
    """QA at volume: 140 claimed tasks among 524, and no way to list one's own."""
    from onewindow.cases.tests.test_api import token_for
    from onewindow.workflow import services as workflow_services

    tasks = [open_task(submit(people["applicant"], PASSPORT), "Task_accept") for _ in range(3)]
    colleague = officer("310000-GA")
    workflow_services.claim_task(actor=people["ga"], task_id=tasks[0].pk)
    workflow_services.claim_task(actor=colleague, task_id=tasks[1].pk)
    ga = logged_in(people["ga"])

    def listed(address: str) -> set[int]:
        page = lxml.html.fromstring(ga.get(address).content.decode())
        links = page.xpath(
            "//table[contains(@class, 'inbox')]//a[starts-with(@href, '/cases/tasks/')]/@href"
        )
        return {int(href.split("/")[3]) for href in links}

    assert listed("/cases/inbox/") == {task.pk for task in tasks}
    assert listed("/cases/inbox/?mine=1") == {tasks[0].pk}
    page = lxml.html.fromstring(ga.get("/cases/inbox/?mine=1").content.decode())
    assert page.xpath("//input[@id='id_mine']/@checked")
    # Through the API too (its token asks for the next code: each is taken once).
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, people['ga'])}"}
        mine = client.get("/api/v1/tasks?mine=true", **auth)
    assert [task["id"] for task in mine.json()] == [tasks[0].pk]
    assert mine["X-Total-Count"] == "1"


def test_a_long_inbox_offers_its_first_and_last_pages(people, monkeypatch):
    """QA at volume: eleven pages, and only a previous and a next link."""
    monkeypatch.setattr(officer_views, "INBOX_PAGE_SIZE", 1)
    for _ in range(4):
        submit(people["applicant"], PASSPORT)
    ga = logged_in(people["ga"])

    def links(page: int) -> list[str]:
        html = lxml.html.fromstring(ga.get(f"/cases/inbox/?page={page}").content.decode())
        return [
            " ".join(a.text_content().split()) for a in html.xpath("//nav[@class='pagination']//a")
        ]

    # Each link once: none where previous or next already goes.
    assert links(1) == ["Next page", "Last page"]
    assert links(2) == ["Previous page", "Next page", "Last page"]
    assert links(3) == ["First page", "Previous page", "Next page"]
    assert links(4) == ["First page", "Previous page"]
    html = ga.get("/cases/inbox/?page=1").content.decode()
    assert 'href="?page=4">Last page' in html
