"""What the applicant is told about their case (``cases.notifications``): a refusal's
notice says how to challenge it, no other decision's does; and opening the case from a
notice marks that notice read."""

from __future__ import annotations

import re

import pytest

from onewindow.cases.choices import OUTCOMES_NEEDING_REASON
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.timekit import accepted_passport, at, decide, signed_in, text, travel
from onewindow.conftest import proposed_chinese
from onewindow.notifications.models import Channel, Notification, OutboxMessage
from onewindow.notifications.tests.chinese import PROPOSED_ZH
from onewindow.notifications.tests.conftest import REMEDIES

pytestmark = pytest.mark.django_db


def _decisions(case: Case) -> list[Notification]:
    """The applicant's notices of the case's decisions, in order."""
    return list(
        Notification.objects.filter(kind="case_decided", case_number=case.number).order_by("pk")
    )


def _email(notice: Notification) -> OutboxMessage:
    return OutboxMessage.objects.get(
        channel=Channel.EMAIL, recipient=notice.recipient, dedupe_key=notice.dedupe_key
    )


def test_the_outcomes_given_a_reason_are_the_refusals():
    """A notice gives the remedies when it gives a reason (``case_decided``), which
    ``services.decide_task`` passes for these outcomes alone: another outcome needing a
    reason would be told it may go to court."""
    assert set(OUTCOMES_NEEDING_REASON) == {"not_accepted", "reject"}


@pytest.mark.parametrize("applicant", ["citizen.wang", "citizen.chen"])  # Chinese, English
@pytest.mark.parametrize(
    ("step", "officer", "outcome"),
    [("Task_accept", "ga.window", "not_accepted"), ("Task_review", "ga.review", "reject")],
)
def test_a_refusal_tells_the_applicant_how_to_challenge_it(
    world, applicant, step, officer, outcome
):
    with proposed_chinese(PROPOSED_ZH), travel(at("2026-03-02", 10)):
        case = submit(world[applicant], PASSPORT)
        if step == "Task_review":
            decide(world["ga.window"], open_task(case, "Task_accept"), "accept")
        decide(world[officer], open_task(case, step), outcome)
    notice = _decisions(case)[-1]
    # In the site, in either language it is read in; after the reason.
    for language, remedies in REMEDIES.items():
        body = notice.text_in(language)[1]
        assert remedies in body
        assert body.index(remedies) > body.index("理由")  # the reason timekit.decide gives
    # In the email, in the applicant's language; the text message is the subject alone.
    assert REMEDIES[world[applicant].preferred_language] in _email(notice).body


def test_an_acceptance_and_an_approval_say_nothing_of_challenging_them(world):
    case, review = accepted_passport(world, at("2026-03-02", 10))
    with proposed_chinese(PROPOSED_ZH), travel(at("2026-03-03", 10)):
        decide(world["ga.review"], review, "approve")
    accepted, approved = _decisions(case)
    assert approved.text_in("en")[0] == f"Result of your case {case.number}: Approved"
    for notice in (accepted, approved):
        for language, remedies in REMEDIES.items():
            assert remedies not in notice.text_in(language)[1]
        assert "行政复议" not in _email(notice).body


def test_opening_the_case_from_its_notice_marks_the_notice_read(world):
    with travel(at("2026-03-02", 10)):
        case = submit(world["citizen.wang"], PASSPORT)
        client = signed_in(world["citizen.wang"])
        [received] = Notification.objects.filter(kind="case_submitted", case_number=case.number)
        listed = client.get("/notifications/")
        assert "Notifications 1 unread" in text(listed)
        href = re.search(rf'<a href="([^"]+)">Open case {case.number}</a>', listed.content.decode())
        assert href is not None
        opened = client.get(href[1], follow=True)
    assert opened.redirect_chain == [(f"/cases/{case.number}/", 302)]
    assert opened.status_code == 200 and case.number in text(opened)
    received.refresh_from_db()
    assert received.read_at is not None
    # The header counts it no longer, on the case's page already.
    assert "unread" not in text(opened)


def test_nobody_else_marks_the_applicants_notice_read_by_its_link(world):
    with travel(at("2026-03-02", 10)):
        case = submit(world["citizen.wang"], PASSPORT)
        [received] = Notification.objects.filter(kind="case_submitted", case_number=case.number)
        for other in ("citizen.chen", "ga.window"):
            response = signed_in(world[other]).get(f"/notifications/{received.pk}/open/")
            assert response.status_code == 404
    received.refresh_from_db()
    assert received.read_at is None
