"""What a case's page links to about its service (``case_page.service_links``): the
service's public guide, or its life event's page, for every reader; and on a refused
case, for its applicant only, a new application while the service takes them online."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client

from onewindow.cases import services
from onewindow.cases.choices import CaseStatus
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.timekit import decide, signed_in
from onewindow.catalog import services as catalog_services
from onewindow.catalog.models import ServiceItem
from onewindow.conftest import proposed_chinese
from onewindow.identity.models import User
from onewindow.workflow import services as workflow_services
from onewindow.workflow.models import WorkTask

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]

# The new messages' Chinese, as proposed for the .po file (``proposed_chinese``).
PROPOSED_ZH = {
    "Apply again": "重新申请",
    "This application is closed: the reason is under Progress below. If you can put it "
    "right, you may apply again.": (
        "本申请已结束，原因见下方“办理进度”。如能按要求改正，可以重新申请。"
    ),
}
GUIDE = f"/services/items/{PASSPORT}/"
APPLY = f"/services/items/{PASSPORT}/apply/"
PHOTO_NOTE = "请按出入境证件相片标准重新拍摄照片后再次提交申请"


def refused(world: dict[str, User], outcome: str) -> Case:
    """citizen.wang's passport case, not accepted at the window or rejected on review."""
    case = submit(world["citizen.wang"], PASSPORT)
    if outcome == "reject":
        decide(world["ga.window"], open_task(case, "Task_accept"), "accept")
        decide(world["ga.review"], open_task(case, "Task_review"), "reject")
    else:
        decide(world["ga.window"], open_task(case, "Task_accept"), "not_accepted")
    case.refresh_from_db()
    return case


def read(client: Client, url: str, language: str = "en") -> lxml.html.HtmlElement:
    client.cookies["django_language"] = language
    with proposed_chinese(PROPOSED_ZH):
        response = client.get(url)
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content)


def service_link(page: lxml.html.HtmlElement) -> list[str]:
    """Where the case summary's service name links to (none: [])."""
    [service] = page.xpath(
        "//dl[@class='summary']/div[dt[normalize-space()='Service' or normalize-space()='事项']]/dd"
    )
    return [str(a.get("href")) for a in service.xpath(".//a")]


def links_to(page: lxml.html.HtmlElement, url: str) -> list[str]:
    """The words of the page's links to ``url``."""
    return [" ".join(a.text_content().split()) for a in page.xpath(f"//a[@href='{url}']")]


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("not_accepted", CaseStatus.NOT_ACCEPTED), ("reject", CaseStatus.REJECTED)],
)
def test_a_refused_applicant_is_shown_the_guide_and_a_way_to_apply_again(world, outcome, status):
    case = refused(world, outcome)
    assert case.status == status
    applicant = signed_in(world["citizen.wang"])
    for language, name, apply_again, closed in (
        (
            "en",
            "Issue of an ordinary passport",
            "Apply again",
            "If you can put it right, you may apply again.",
        ),
        ("zh-hans", "普通护照签发", "重新申请", "如能按要求改正，可以重新申请。"),
    ):
        page = read(applicant, f"/cases/{case.number}/", language)
        assert service_link(page) == [GUIDE], language
        assert any(name in words for words in links_to(page, GUIDE)), language
        assert links_to(page, APPLY) == [apply_again], language
        assert closed in " ".join(page.text_content().split()), language
    # The link leads to the application form, as the guide's own does.
    assert applicant.get(APPLY).status_code == 200


def test_the_note_asking_to_apply_again_comes_with_the_link_to_do_so(world):
    """The tester's case: a window officer asks for a new photo and a new application."""
    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    workflow_services.claim_task(actor=world["ga.window"], task_id=task.pk)
    services.decide_task(
        actor=world["ga.window"],
        task_id=task.pk,
        outcome="not_accepted",
        comment="照片不符合要求",
        note_for_applicant=PHOTO_NOTE,
    )
    page = read(signed_in(world["citizen.wang"]), f"/cases/{case.number}/")
    assert PHOTO_NOTE in page.text_content()
    assert links_to(page, APPLY) == ["Apply again"]


def test_officers_get_the_guide_but_not_apply_again(world):
    case = refused(world, "not_accepted")
    officer = signed_in(world["ga.window"])
    task = WorkTask.objects.get(instance=case.instance, bpmn_id="Task_accept")
    for url in (f"/cases/{case.number}/", f"/cases/tasks/{task.pk}/"):
        for language in ("en", "zh-hans"):
            page = read(officer, url, language)
            assert service_link(page) == [GUIDE], (url, language)
            assert not page.xpath(f"//a[@href='{APPLY}']"), (url, language)
            assert "Apply again" not in page.text_content()
            assert "重新申请" not in page.text_content()


def test_a_case_still_open_links_its_guide_only(world):
    case = submit(world["citizen.wang"], PASSPORT)
    page = read(signed_in(world["citizen.wang"]), f"/cases/{case.number}/")
    assert service_link(page) == [GUIDE]
    assert not page.xpath(f"//a[@href='{APPLY}']")


def test_no_apply_again_once_the_service_takes_no_applications_online(world):
    case = refused(world, "not_accepted")
    catalog_services.bind_application(actor=None, code=PASSPORT, form=None, process=None)
    page = read(signed_in(world["citizen.wang"]), f"/cases/{case.number}/")
    assert service_link(page) == [GUIDE]  # which says how to apply instead
    assert not page.xpath(f"//a[@href='{APPLY}']")


def test_a_service_withdrawn_from_the_catalog_is_named_unlinked(world):
    case = refused(world, "not_accepted")
    ServiceItem.objects.filter(code=PASSPORT).update(published=None)
    page = read(signed_in(world["citizen.wang"]), f"/cases/{case.number}/")
    assert service_link(page) == []
    assert not page.xpath("//a[contains(@href, '/services/items/')]")


def test_a_life_events_case_links_to_the_event_and_its_one_application(world):
    parent = submit(world["citizen.wang"], "newborn")
    applicant = signed_in(world["citizen.wang"])
    page = read(applicant, f"/cases/{parent.number}/")
    assert service_link(page) == ["/services/events/newborn/"]
    assert not page.xpath("//a[@href='/cases/events/newborn/apply/']")
    # Refused as a whole (its status follows its items' outcomes: cases.services).
    Case.objects.filter(pk=parent.pk).update(status=CaseStatus.NOT_ACCEPTED)
    for language, apply_again in (("en", "Apply again"), ("zh-hans", "重新申请")):
        page = read(applicant, f"/cases/{parent.number}/", language)
        assert service_link(page) == ["/services/events/newborn/"]
        assert links_to(page, "/cases/events/newborn/apply/") == [apply_again]
    assert applicant.get("/cases/events/newborn/apply/").status_code == 200


def test_a_case_not_accepted_says_no_time_limit_ran(world):
    """Not that the limit starts at acceptance: there will be none."""
    case = refused(world, "not_accepted")
    for reader in (world["citizen.wang"], world["ga.window"]):
        page = read(signed_in(reader), f"/cases/{case.number}/")
        [panel] = page.xpath("//section[contains(@class, 'time-limit')]")
        words = " ".join(panel.text_content().split())
        assert "No time limit ran: the case ended before the application was accepted." in words
        assert "starts when the application is accepted" not in words
    still_open = read(
        signed_in(world["citizen.wang"]),
        f"/cases/{submit(world['citizen.wang'], PASSPORT).number}/",
    )
    assert "The time limit starts when the application is accepted." in still_open.text_content()


def test_a_case_names_every_department_its_process_runs_through(world):
    """The company's registration runs through five departments' lanes; the page named
    the first alone (a life event's page names its items' departments)."""
    from onewindow.cases.tests.conftest import COMPANY

    case = submit(world["agent.li"], COMPANY)
    page = read(signed_in(world["agent.li"]), f"/cases/{case.number}/")
    [departments] = page.xpath("//dl[@class='summary']/div[dt[normalize-space()='Departments']]/dd")
    named = " ".join(departments.text_content().split()).split("; ")
    assert named[0] == case.department.name_en  # its own first
    assert len(named) >= 4 and len(set(named)) == len(named)
    passport = read(
        signed_in(world["citizen.wang"]),
        f"/cases/{submit(world['citizen.wang'], PASSPORT).number}/",
    )
    assert passport.xpath("//dl[@class='summary']/div[dt[normalize-space()='Department']]")


def test_department_names_are_set_apart_by_semicolons_in_english(world):
    # QA: one English name holds a comma, so a comma-separated list read as one more.
    from onewindow.cases.tests.conftest import COMPANY

    case = submit(world["agent.li"], COMPANY)
    page = lxml.html.fromstring(signed_in(world["agent.li"]).get(f"/cases/{case.number}/").content)
    [listed] = page.xpath('//dt[normalize-space()="Departments"]/following-sibling::dd[1]')
    names = listed.text_content().split("; ")
    assert "Shanghai Municipal Tax Service, State Taxation Administration" in names
    assert len(names) >= 4
