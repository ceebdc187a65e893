"""Whose words each timeline entry shows, and to whom (``case_page._timeline``,
``cases/_timeline.html``): an officer's comment is a "Comment"; the applicant's own
note (their answer to a supplement request, or anything the applicant or an agent of
their company did) is "Your note" on their page and the "Applicant's note" on the
officer's; a note for the applicant is "Note for you" to them. The submission entry
has no outcome beside its title, which says it already."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client
from django.utils import translation

from onewindow.cases.case_page import case_view
from onewindow.cases.models import CaseEvent
from onewindow.cases.tests.conftest import COMPANY, submit
from onewindow.cases.tests.test_supplements import answer, ask
from onewindow.cases.tests.timekit import accepted_passport, at, signed_in, travel, upload
from onewindow.conftest import make_user
from onewindow.identity.models import LegalPerson, User
from onewindow.identity.tokens import issue_token

pytestmark = pytest.mark.django_db

READ = at("2026-03-09", 11)


def english(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def entries(client: Client, url: str) -> list[list[str]]:
    """Each timeline entry's paragraphs, as words."""
    response = client.get(url)
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    [timeline] = page.xpath("//ol[contains(@class, 'timeline')]")
    return [
        [" ".join(p.text_content().split()) for p in entry.xpath("./p")]
        for entry in timeline.xpath("./li")
    ]


@pytest.fixture
def answered(world):
    """citizen.wang's passport case: accepted, a photo asked for with a note, and the
    applicant's answer with their own note."""
    case, review = accepted_passport(world, at("2026-03-02", 10))
    ask(world, review, note="Please watch your mail.")
    answer(world, case, {"photo": upload(world["citizen.wang"]).pk}, comment="已重新上传")
    return case, review


def test_the_applicant_reads_their_own_note_and_a_note_for_them(world, answered):
    case, _review = answered
    with travel(READ):
        _submitted, accepted, asked, supplied = entries(
            english(world["citizen.wang"]), f"/cases/{case.number}/"
        )
    assert accepted[-1] == "Comment: 理由"  # an officer's, as before
    assert asked[-1].startswith("Note for you: ")
    assert "Please watch your mail." in asked[-1]
    assert not any("Note for the applicant" in p for p in asked)
    assert supplied[0].endswith(" — Material supplied")
    assert supplied[-1] == "Your note: 已重新上传"
    assert not any(p.startswith("Comment") for p in supplied)
    # Nor is it put on the step's officer: it says the applicant did it.
    assert "officer" not in supplied[1].lower()
    assert supplied[1].endswith(" · you")


def test_the_officer_reads_the_applicants_note_and_their_note_for_the_applicant(world, answered):
    _case, review = answered
    with travel(READ):
        officer = signed_in(world["ga.review"])
        *_, accepted, asked, supplied = entries(officer, f"/cases/tasks/{review.pk}/")
    assert accepted[-1] == "Comment: 理由"
    assert asked[-1].startswith("Note for the applicant: ")
    assert supplied[-1] == "Applicant's note: 已重新上传"
    assert supplied[1].endswith(" · the applicant")


def test_the_api_names_who_made_each_entry(world, answered):
    """The same voices through the API: ``applicant`` for the applicant's side, else the
    officer role of the step, each with its words in the caller's language."""
    case, _review = answered
    with travel(READ):
        token, _record = issue_token(user=world["citizen.wang"])
        read = Client().get(
            f"/api/v1/cases/{case.number}",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
        )
    assert read.status_code == 200
    roles = [(e["outcome"], e["role"], e["role_label"]) for e in read.json()["timeline"]]
    assert roles == [
        ("submitted", "applicant", "Applicant"),
        ("accept", "window_officer", "Window officer"),
        ("supplement_requested", "reviewing_officer", "Reviewing officer"),
        ("resupplied", "applicant", "Applicant"),
    ]


def test_the_submission_says_once_that_it_was_submitted(world, answered):
    case, _review = answered
    with travel(READ):
        first, accepted, *_ = entries(english(world["citizen.wang"]), f"/cases/{case.number}/")
    assert first[0] == "Application submitted"
    assert accepted[0] == "Window acceptance — Accepted"  # other entries keep their outcome


def test_an_entry_by_an_agent_of_the_applicants_company_is_the_applicants_note(world):
    case = submit(world["agent.li"], COMPANY)
    company = LegalPerson.objects.get(agents=world["agent.li"])
    colleague = make_user()
    company.agents.add(colleague)
    officer = world["sj.window"]
    for actor, comment in ((colleague, "已补充章程"), (officer, "材料齐全")):
        CaseEvent.objects.create(
            case=case, step="受理", outcome="accept", actor=actor, comment=comment
        )
    with translation.override("en"):
        for_officer = case_view(case, officer=officer).timeline
        for_agent = case_view(case).timeline
    labels = [(step.comment, step.comment_label) for step in for_officer[1:]]
    assert labels == [("已补充章程", "Applicant's note"), ("材料齐全", "Comment")]
    labels = [(step.comment, step.comment_label) for step in for_agent[1:]]
    assert labels == [("已补充章程", "Your note"), ("材料齐全", "Comment")]


def test_a_life_events_page_names_each_of_its_departments(world):
    """Not the parent's one department: the event's items are other departments' work."""
    with travel(READ):
        case = submit(world["citizen.wang"], "newborn")
        page = english(world["citizen.wang"]).get(f"/cases/{case.number}/")
    summary = lxml.html.fromstring(page.content).xpath("//dl[contains(@class, 'summary')]")[0]
    rows = {
        " ".join(dt.text_content().split()): " ".join(dd.text_content().split())
        for dt, dd in zip(summary.xpath(".//dt"), summary.xpath(".//dd"), strict=True)
    }
    departments = rows["Departments"].split("; ")
    expected = {child.department.name_en for child in case.children.all()}
    assert set(departments) == expected and len(departments) == len(expected) > 1
    assert "Department" not in rows
