"""A company's case as another of its agents reads it (QA): its page, its files and the
API, with the identity numbers in its answers masked (ADR 0007) and the submitting
agent's entries as the applicant's, not "you"rs."""

from __future__ import annotations

import pytest

from onewindow.cases.tests.conftest import COMPANY, PASSPORT, submit
from onewindow.cases.tests.test_api import token_for
from onewindow.cases.tests.timekit import signed_in, text
from onewindow.conftest import make_user
from onewindow.identity.masking import mask_identity_number
from onewindow.identity.models import LegalPerson, User


@pytest.fixture
def company_case(world):  # type: ignore[no-untyped-def]
    li = world["agent.li"]
    company = LegalPerson.objects.get(agents=li)
    colleague = make_user(username="agent.zhao")
    company.agents.add(colleague)
    case = submit(li, COMPANY)
    numbers = [v for v in case.data.values() if isinstance(v, str) and len(v) == 18]
    assert li.id_number in numbers  # the form filled in the submitting agent's own
    return {"case": case, "li": li, "colleague": colleague, "numbers": numbers}


def test_another_agent_reads_the_answers_with_identity_numbers_masked(company_case):
    case, li, colleague = company_case["case"], company_case["li"], company_case["colleague"]
    theirs = signed_in(colleague).get(f"/cases/{case.number}/")
    assert theirs.status_code == 200
    page = theirs.content.decode()
    for number in company_case["numbers"]:
        assert number not in page
        assert mask_identity_number(number) in page
    # The agent who applied reads their own answers in full.
    own = signed_in(li).get(f"/cases/{case.number}/").content.decode()
    assert all(number in own for number in company_case["numbers"])


def test_the_api_masks_them_for_another_agent_only(client, company_case):
    case = company_case["case"]

    def data_for(user: User) -> set[object]:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, user)}"}
        response = client.get(f"/api/v1/cases/{case.number}", **headers)
        assert response.status_code == 200
        return {v for v in response.json()["data"].values() if isinstance(v, str)}

    masked = data_for(company_case["colleague"])
    assert set(company_case["numbers"]).isdisjoint(masked)
    assert {mask_identity_number(n) for n in company_case["numbers"]} <= masked
    assert set(company_case["numbers"]) <= data_for(company_case["li"])


def test_another_agent_opens_the_cases_files(company_case):
    case = company_case["case"]
    [first, *_] = case.attachments.all()
    url = f"/forms/attachments/{first.pk}/"
    assert signed_in(company_case["colleague"]).get(url).status_code == 200
    # Not an agent of the company: as before, not found.
    assert signed_in(make_user()).get(url).status_code == 404


def test_the_applying_agents_entries_are_the_applicants_to_another(company_case):
    case = company_case["case"]
    theirs = text(signed_in(company_case["colleague"]).get(f"/cases/{case.number}/"))
    assert "Application submitted" in theirs
    assert "· the applicant" in theirs and "· you" not in theirs
    own = text(signed_in(company_case["li"]).get(f"/cases/{case.number}/"))
    assert "· you" in own


def test_every_agent_of_the_company_is_told(company_case, world):
    # QA: a supplement asked for while the agent who applied was away waited unseen.
    from onewindow.cases import supplements
    from onewindow.cases.tests.conftest import open_task
    from onewindow.notifications.models import Notification

    case, li, colleague = company_case["case"], company_case["li"], company_case["colleague"]
    supplements.request_supplement(
        actor=world["sj.window"],
        task_id=open_task(case, "Task_accept").pk,
        items=[{"material": "名称预先核准通知书", "reason": "缺少"}],
    )
    for agent in (li, colleague):
        kinds = set(Notification.objects.filter(recipient=agent).values_list("kind", flat=True))
        assert {"case_submitted", "supplement_requested"} <= kinds, agent.username
    # Nobody outside the company.
    assert not Notification.objects.filter(recipient=world["citizen.wang"]).exists()


def test_the_agents_of_many_company_cases_are_read_once(
    company_case, world, django_assert_num_queries
):
    """As the overdue sweep tells the applicants of many cases at once (announcements):
    ``company_agents`` reads every company's agents in one query, and the notices are
    made from it without another."""
    from onewindow.cases.notifications import applicant_notices, company_agents

    li, colleague = company_case["li"], company_case["colleague"]
    cases = [company_case["case"], submit(li, COMPANY), submit(world["citizen.wang"], PASSPORT)]
    with django_assert_num_queries(1):
        agents = company_agents(cases)
    with django_assert_num_queries(0):
        told = [
            applicant_notices(case, "case_overdue", f"k{case.pk}", agents=agents) for case in cases
        ]
    assert [[n.recipient for n in notices] for notices in told] == [
        [li, colleague],
        [li, colleague],
        [world["citizen.wang"]],
    ]
