"""The case and task pages for keyboard and screen reader users, in both languages: the
table of who held the case scrolls sideways in a region the keyboard reaches, and the
Chinese an English page shows is marked as Chinese: what the applicant typed (names, an
address), what officers wrote (comments, notes, reasons), and the names that have no
English (departments, steps, services, companies)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import lxml.html
import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from onewindow.cases import extensions
from onewindow.cases.case_page import Step
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import COMPANY, PASSPORT, open_task, submit
from onewindow.cases.tests.timekit import accepted_passport, at, signed_in, travel
from onewindow.core.testing import chinese_in, on_english_page, table_regions
from onewindow.identity.models import Department, LegalPerson, User
from onewindow.workflow import services as workflow_services
from onewindow.workflow.models import WorkTask

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]

NOW = at("2026-03-06", 10)


@pytest.fixture
def review(world):
    _case, task = accepted_passport(world, at("2026-03-02", 10))
    return task


@pytest.fixture
def case(world, review):
    return Case.objects.get(instance=review.instance)


def task_page(world, review, language: str):  # type: ignore[no-untyped-def]
    with travel(NOW):
        client = signed_in(world["ga.review"])
        client.cookies["django_language"] = language
        response = client.get(f"/cases/tasks/{review.pk}/")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Each holder of each step, with the working days they held it"),
        ("zh-hans", "每个环节的每位经办方及其占用的工作日"),
    ],
)
def test_who_held_the_case_scrolls_in_a_region_named_by_its_caption(world, review, language, name):
    assert table_regions(task_page(world, review, language).content) == [name]


def answers_of(response) -> dict[str, lxml.html.HtmlElement]:  # type: ignore[no-untyped-def]
    page = lxml.html.fromstring(response.content)
    questions = page.xpath("//dl[contains(@class, 'answers')]//dt")
    return {dt.text_content(): dt.getnext() for dt in questions}


def test_chinese_answers_are_marked_chinese_on_an_english_task_page(world, review):
    answers = answers_of(task_page(world, review, "en"))
    for question, answer in (
        ("Applicant's full name", "王小明"),
        ("Home address", "上海市黄浦区福州路318弄5号402室"),
        ("Emergency contact's name", "张丽华"),
    ):
        assert [(s.get("lang"), s.text) for s in answers[question]] == [("zh-Hans", answer)]
    # Answers in Latin letters or digits, and the choices in English, are English.
    for question in ("Name in pinyin", "Mobile phone number", "Purpose of travel"):
        assert not answers[question].xpath(".//*[@lang]"), question


def test_chinese_answers_are_marked_chinese_on_the_applicants_english_case_page(world, case):
    with travel(NOW):
        response = signed_in(world["citizen.wang"]).get(f"/cases/{case.number}/")
    assert response.status_code == 200
    answers = answers_of(response)
    assert [(s.get("lang"), s.text) for s in answers["Applicant's full name"]] == [
        ("zh-Hans", "王小明")
    ]


def test_answers_on_a_chinese_task_page_need_no_marking(world, review):
    answers = answers_of(task_page(world, review, "zh-hans"))
    assert answers and not any(dd.xpath(".//*[@lang]") for dd in answers.values())


def test_an_officers_chinese_name_is_marked_where_the_case_was_held(world, review):
    with travel(at("2026-03-02", 11)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    page = lxml.html.fromstring(task_page(world, review, "en").content)
    name = world["ga.review"].full_name
    [longest] = page.xpath("//section[@aria-labelledby='accountability-title']/p")
    assert [(s.get("lang"), s.text) for s in longest.xpath("span")] == [("zh-Hans", name)]
    held = page.xpath("//table[@class='holdings']//td/span[@lang='zh-Hans']/text()")
    assert name in held


# --- Chinese that an English page shows for want of English, marked as Chinese ----------
#
# A department's, a step's, a service's or a company's English name may be missing; an
# officer's comment, note or reason, and a person's name, are in whatever language they
# were typed in. A screen reader reads what is marked lang="zh-Hans" with a Chinese voice.


def fragment(name: str, language: str, **context: object) -> lxml.html.HtmlElement:
    with translation.override(language):
        html = render_to_string(name, context)
    return lxml.html.fragment_fromstring(html, create_parent="div")


def reader(user: User, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def dd_of(page: lxml.html.HtmlElement, label: str, language: str) -> lxml.html.HtmlElement:
    """The value of the summary's entry ``label`` (its English msgid)."""
    with translation.override(language):
        shown = gettext(label)
    [value] = page.xpath("//dl[@class='summary']//dt[normalize-space()=$label]/../dd", label=shown)
    return value


BUREAU = {"name": "公安局", "name_en": ""}  # no English name: the English page shows this
REVIEW = SimpleNamespace(name="审核", name_en="", department=BUREAU)


def step_of_timeline(**changes: object) -> Step:
    step = Step(
        title="Acceptance",
        department=BUREAU,
        role="",
        at=NOW,
        outcome="Accepted",
        outcome_code="accept",
        comment="材料齐全",
        note="请带原件来取证",
        comment_label="Comment",
        note_label="Note for the applicant",
    )
    return dataclasses.replace(step, **changes)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_timeline_marks_a_chinese_department_comment_and_note(language):
    steps = [
        step_of_timeline(),
        # English, as typed and as named: nothing to mark.
        step_of_timeline(
            department={"name": "公安局", "name_en": "Public Security Bureau"},
            comment="All in order",
            note="",
        ),
    ]
    timeline = fragment("cases/_timeline.html", language, steps=steps)
    assert chinese_in(timeline) == on_english_page(language, "公安局", "材料齐全", "请带原件来取证")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_time_limit_panel_marks_the_officers_chinese(language):
    view = SimpleNamespace(
        clock=None,
        extensions=[
            SimpleNamespace(days=2, reason="需要外省协查", task=REVIEW, of_a_step=True),
            SimpleNamespace(days=1, reason="Waiting for a registry", task=None, of_a_step=False),
        ],
        supplement=SimpleNamespace(task=REVIEW, requested_at=NOW, note="请一次补齐"),
        supplement_items=[{"material": "户口簿", "reason": "缺少本人页"}],
    )
    panel = fragment("cases/_time_limit.html", language, view=view)
    assert chinese_in(panel) == on_english_page(
        language, "审核", "需要外省协查", "公安局", "审核", "户口簿", "缺少本人页", "请一次补齐"
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_task_page_marks_a_department_without_an_english_name(world, review, language):
    Department.objects.update(name_en="")
    police = review.department.name
    with travel(at("2026-03-02", 11)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    page = lxml.html.fromstring(task_page(world, review, language).content)
    [eyebrow] = page.xpath("//p[@class='eyebrow']")
    assert chinese_in(eyebrow) == on_english_page(language, police)
    assert chinese_in(dd_of(page, "Department", language)) == on_english_page(language, police)
    # The acceptance's entry: its department, and the comment the officer typed.
    [accepted] = page.xpath("//ol[@class='timeline']/li[contains(@class, 'timeline-accept')]")
    assert chinese_in(accepted) == on_english_page(language, police, "理由")
    [longest] = page.xpath("//section[@aria-labelledby='accountability-title']/p")
    officer = world["ga.review"].full_name
    assert chinese_in(longest) == on_english_page(language, police, officer)
    departments = page.xpath("//table[@class='holdings']//td[2]")
    assert departments and all(
        chinese_in(td) == on_english_page(language, police) for td in departments
    )


@pytest.fixture
def newborn(world):
    """A life event's case, its items' departments and services named in Chinese alone."""
    with travel(at("2026-03-02", 10)):
        case = submit(world["citizen.wang"], "newborn")
    Department.objects.update(name_en="")
    Case.objects.filter(parent=case).update(service_name_en="")
    return case


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_life_events_pages_mark_its_items_chinese_names(world, newborn, language):
    items = list(newborn.children.order_by("pk").select_related("department"))
    departments = list(dict.fromkeys(item.department.name for item in items))
    client = reader(world["citizen.wang"], language)
    with travel(at("2026-03-02", 11)):
        case_page = lxml.html.fromstring(client.get(f"/cases/{newborn.number}/").content)
        receipt = lxml.html.fromstring(client.get(f"/cases/{newborn.number}/receipt/").content)
        mine = lxml.html.fromstring(client.get("/cases/").content)
    assert chinese_in(dd_of(case_page, "Departments", language)) == on_english_page(
        language, *departments
    )
    statuses = case_page.xpath("//section[@class='child-case']/p")
    assert [chinese_in(p) for p in statuses] == [
        on_english_page(language, item.department.name) for item in items
    ]
    with translation.override(language):
        covers = gettext("What your application covers")
    [heading] = receipt.xpath("//h2[normalize-space()=$covers]", covers=covers)
    covered = heading.getnext().xpath("./li")
    assert [chinese_in(li) for li in covered] == [
        on_english_page(language, item.service_name, item.department.name) for item in items
    ]
    [listed] = mine.xpath("//ul[contains(@class, 'child-cases')]")
    assert [chinese_in(li) for li in listed.xpath("./li")] == [
        on_english_page(language, item.service_name) for item in items
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_receipt_marks_a_company_service_and_department_without_english(world, language):
    agent = world["agent.li"]
    LegalPerson.objects.filter(agents=agent).update(name_en="")
    company = LegalPerson.objects.filter(agents=agent).get()
    with travel(at("2026-03-02", 10)):
        case = submit(agent, COMPANY)
    Department.objects.update(name_en="")
    Case.objects.filter(pk=case.pk).update(service_name_en="")
    client = reader(agent, language)
    with travel(at("2026-03-02", 11)):
        case_page = lxml.html.fromstring(client.get(f"/cases/{case.number}/").content)
        receipt = lxml.html.fromstring(client.get(f"/cases/{case.number}/receipt/").content)
        apply = lxml.html.fromstring(client.get(f"/services/items/{COMPANY}/apply/").content)
    assert chinese_in(dd_of(case_page, "Company", language)) == on_english_page(
        language, company.name
    )
    assert chinese_in(dd_of(receipt, "On behalf of", language)) == on_english_page(
        language, company.name
    )
    [service] = receipt.xpath("//div[contains(@class, 'receipt')]/p[last()]")
    assert chinese_in(service) == on_english_page(language, case.service_name)
    assert chinese_in(dd_of(receipt, "Department", language)) == on_english_page(
        language, case.department.name
    )
    [choice] = apply.xpath(f"//label[@for='apply-as-{company.uscc}']")
    assert chinese_in(choice) == on_english_page(language, company.name)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_extension_requests_mark_the_chinese_of_a_request(world, review, language):
    with travel(at("2026-03-03", 15)):
        extensions.request_extension(
            actor=world["ga.review"], task_id=review.pk, days=2, reason="需要外省协查"
        )
    Department.objects.update(name_en="")
    WorkTask.objects.filter(pk=review.pk).update(name_en="")
    Case.objects.filter(instance=review.instance).update(service_name_en="")
    case = Case.objects.get(instance=review.instance)
    with travel(at("2026-03-04", 10)):
        client = signed_in(world["ga.lead"])
        client.cookies["django_language"] = language
        page = lxml.html.fromstring(client.get("/cases/extensions/").content)
    [request] = page.xpath("//article[contains(@class, 'extension-request')]")
    heading, asks, reason = request.xpath("./h3 | ./p")
    assert chinese_in(heading) == on_english_page(language, case.service_name)
    officer = world["ga.review"].full_name
    assert chinese_in(asks) == on_english_page(
        language, officer, review.department.name, review.name
    )
    assert chinese_in(reason) == on_english_page(language, "需要外省协查")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_inbox_marks_a_department_and_a_step_without_english(world, language):
    with travel(at("2026-03-02", 10)):
        case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    Department.objects.update(name_en="")
    WorkTask.objects.filter(pk=task.pk).update(name_en="")
    with travel(at("2026-03-02", 11)):
        client = signed_in(world["ga.window"])
        client.cookies["django_language"] = language
        page = lxml.html.fromstring(client.get("/cases/inbox/").content)
    [row] = page.xpath(f"//tr[.//a[@href='/cases/tasks/{task.pk}/']]")
    [department] = row.xpath("./td[3]")
    assert chinese_in(department) == on_english_page(language, task.department.name)
    [claim] = row.xpath(".//button")
    assert chinese_in(claim) == on_english_page(language, task.name)
