"""What one online application for a life event covers (``event_plan``) and how its
page says it: a step whose item takes no application of its own but whose department
the application's process reaches is handled within that application, not sent to its
guide; and the time counts each application once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from onewindow.catalog import event_plan, queries, routing, services
from onewindow.catalog.tests.portal_fixtures import open_applications
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process

pytestmark = pytest.mark.django_db

COMPANY = "310000-SJ-XK-0001"  # 企业设立登记, promised 5 working days in the test catalog
CARD = "310000-RS-GG-0001"  # 社会保障卡申领 (人社), taking no applications of its own
PASSPORT = "310000-GA-XK-0002"  # 普通护照签发 (公安), taking no applications of its own

START = {
    "code": "company-start",
    "audience": "company",
    "stage": 1,
    "name": "企业开办一件事",
    "name_en": "Starting a company",
    "summary": "一次申请，一并办理。",
    "summary_en": "One application for all.",
    "outcome": "营业执照",
    "outcome_en": "A business licence",
    "steps": [
        {"item": COMPANY, "order": 1, "depends_on": []},
        {"item": CARD, "order": 2, "depends_on": [COMPANY]},
        {"item": PASSPORT, "order": 3, "depends_on": [COMPANY]},
    ],
}


def process(key: str, file: str, lanes: dict[str, str]) -> ProcessDefinition:
    """A demo process with its lanes renamed (``{old name: new name}``)."""
    xml = read_process(file)
    for old, new in lanes.items():
        xml = xml.replace(f'name="{old}"', f'name="{new}"')
    return ProcessDefinition.objects.create(key=key, version=1, name=key, bpmn_xml=xml)


def bind(code: str, definition: ProcessDefinition) -> None:
    from onewindow.forms.demo import load_demo_forms
    from onewindow.forms.queries import latest_definition

    load_demo_forms()
    services.bind_application(
        actor=None, code=code, form=latest_definition("newborn_hukou"), process=definition
    )


@pytest.fixture
def company_start(catalog: Any) -> Any:
    """The company's registration accepted and decided by market regulation, then social
    security and medical insurance in parallel: its application reaches social security
    (the card's department) but not the police (the passport's)."""
    services.seed_life_events([START])
    bind(
        COMPANY,
        process(
            "company_start_test",
            "parallel_three.bpmn",
            {
                "310000-MZ/window_officer": "310000-SJ/window_officer",
                "310000-GA": "310000-SJ",
                "310000-WJ": "310000-RS",
            },
        ),
    )
    return catalog


def read(client: Client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return " ".join(html[html.index("<main") : html.index("</main>")].split())


def step_text(page: str, order: int) -> str:
    start = page.index(f'id="step-{order}"')
    end = page.find('id="step-', start + 1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start : end if end > 0 else None]))


def fact(page: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt> <dd>(.*?)</dd>", page)
    assert found, label
    return found[1]


# --- the plan -----------------------------------------------------------------------


def test_a_step_the_applications_process_reaches_is_handled_within_it(company_start):
    plan = event_plan.plan(queries.life_event("company-start"))
    first, card, _passport = plan.steps
    assert plan.own == {first.pk}
    assert plan.within == {card.pk: first}  # the passport's department has no lane
    assert plan.online == 2
    # The registration's case runs until its whole run ends: the card counts once, in it.
    assert plan.total_days == 5 + 5


def test_without_an_application_nothing_is_handled_within_one(catalog):
    services.seed_life_events([START])
    plan = event_plan.plan(queries.life_event("company-start"))
    assert (plan.own, plan.within, plan.online, plan.total_days) == (frozenset(), {}, 0, 15)


def test_an_events_process_of_the_whole_handles_the_steps_of_its_lanes(newborn_process):
    open_applications("310000-GA-QR-0001")  # its own process has only the police's lane
    plan = event_plan.plan(queries.life_event("newborn"))
    assert plan.within == {}
    services.bind_event_process(code="newborn", process=newborn_process)
    plan = event_plan.plan(queries.life_event("newborn"))
    birth, hukou, insurance, card = plan.steps
    assert plan.own == {hukou.pk}
    assert plan.within == {
        birth.pk: event_plan.WHOLE_EVENT,
        insurance.pk: event_plan.WHOLE_EVENT,
        card.pk: event_plan.WHOLE_EVENT,
    }
    assert plan.total_days == 5


def test_a_process_that_no_longer_loads_handles_nothing(company_start):
    version = queries.published_version(COMPANY)
    assert version.process is not None
    ProcessDefinition.objects.filter(pk=version.process.pk).update(
        bpmn_xml="<broken/>", sha256="0" * 64
    )
    plan = event_plan.plan(queries.life_event("company-start"))
    assert plan.within == {} and plan.online == 1


# --- the page -----------------------------------------------------------------------


def test_the_page_says_which_steps_the_application_handles_in_english(client, company_start):
    page = read(client, "/services/events/company-start/", "en")
    assert "Apply online for 2 of these 3 services" in page
    card = step_text(page, 2)
    assert (
        "Handled within the online application for Company establishment registration "
        "(business license) : no separate application is needed." in card
    )
    assert 'href="#step-1">Company establishment registration' in page
    assert "Not part of the online application" not in card
    passport = step_text(page, 3)
    assert "Not part of the online application: apply as its guide says." in passport
    # Its level is what its department declares, not what this site offers now.
    assert "Declared by the department: L2 Downloadable forms" in passport
    assert "Declared by the department" not in card
    assert fact(page, "Time if done one after another") == "10 working days"
    assert "is done within that application's time limit, so it is not counted again" in page


def test_the_page_says_which_steps_the_application_handles_in_chinese(
    client, company_start, chinese
):
    page = read(client, "/services/events/company-start/", "zh-hans")
    card = step_text(page, 2)
    assert "已在 企业设立登记 的网上申请中一并办理，无需另行申请。" in card
    assert 'href="#step-1">企业设立登记</a>的网上申请' in page  # no space in Chinese
    assert "不在本次网上申请之列" not in card
    assert "不在本次网上申请之列，请按办事指南办理。" in step_text(page, 3)
    assert fact(page, "依次办理所需时间") == "10 个工作日"
    assert "不再重复计算" in page


def test_the_page_names_the_events_own_application(client, newborn_process, chinese):
    open_applications("310000-GA-QR-0001")
    services.bind_event_process(code="newborn", process=newborn_process)
    page = read(client, "/services/events/newborn/", "en")
    assert "Apply for all at once" in page
    assert "Handled within this event's online application" in step_text(page, 1)
    assert "Not part of the online application" not in page
    assert fact(page, "Time if done one after another") == "5 working days"
    page = read(client, "/services/events/newborn/", "zh-hans")
    assert "已在本件事的网上申请中一并办理，无需另行申请。" in step_text(page, 3)


def test_the_page_takes_a_bounded_number_of_queries(
    client, company_start, django_assert_max_num_queries
):
    # The event, its steps (with their processes), their dependencies and those steps'
    # items (4), and the departments the lanes name (1); the first time this worker
    # parses a process, its two files too.
    with django_assert_max_num_queries(7):
        read(client, "/services/events/company-start/", "en")
    with django_assert_max_num_queries(5):
        read(client, "/services/events/company-start/", "en")


# --- the demo -----------------------------------------------------------------------


@pytest.fixture
def demo(demo_catalog: None) -> None:
    from onewindow.cases import demo as cases_demo

    processes = cases_demo.load_processes()
    cases_demo.load_forms()
    cases_demo.bind_items(processes)


def test_the_demo_company_start_says_what_its_registration_handles(client, demo, chinese):
    # The QA's case: the registration's process sends the tax, social insurance and
    # provident fund registrations to their departments, but the page sent the applicant
    # to each guide, and added up 3 working days where its summary said 2.
    event = queries.life_event("company-start")
    page = read(client, "/services/events/company-start/", "zh-hans")
    orders = {step.item.code: step.order for step in event.steps.all()}
    for code in ("310000-SW-QT-0001", "310000-SW-GG-0001", "310000-RS-GG-0007"):
        assert "的网上申请中一并办理，无需另行申请。" in step_text(page, orders[code]), code
    fund = step_text(page, orders["310000-GJJ-GG-0004"])
    assert "已在 企业设立登记（营业执照核发） 的网上申请中一并办理" in fund
    assert "不在本次网上申请之列" not in fund
    # Every other step is handled within it exactly when its department has a lane.
    registration = queries.published_version("310000-SJ-XK-0001")
    assert registration.process is not None
    lanes, _unknown = routing.lane_departments(registration.process)
    for step in event.steps.all():
        if step.order == 1:
            continue
        text = step_text(page, step.order)
        handled = "的网上申请中一并办理" in text
        assert handled == routing.reaches(step.item.department, lanes), step.item.code
        assert handled != ("不在本次网上申请之列" in text), step.item.code
    assert fact(page, "依次办理所需时间") == "2 个工作日"
    assert "2个工作日内全部完成" in page
    page = read(client, "/services/events/company-start/", "en")
    assert fact(page, "Time if done one after another") == "2 working days"
    assert "within two working days" in page


def test_the_guide_of_a_step_handled_within_an_application_points_to_it(client, company_start):
    [covering] = event_plan.covering(queries.published_version(CARD).item)
    assert (covering.event.code, covering.step.item.code) == ("company-start", COMPANY)
    assert event_plan.covering(queries.published_version(PASSPORT).item) == []  # not reached
    page = read(client, f"/services/items/{CARD}/", "en")
    assert (
        "No separate application is needed where this service is part of another online "
        "application:"
    ) in page
    assert (
        f'Within the application for <a href="/services/items/{COMPANY}/">'
    ) in page and '<a href="/services/events/company-start/">Starting a company</a>' in page
    assert "Within the application for" not in read(client, f"/services/items/{PASSPORT}/", "en")
