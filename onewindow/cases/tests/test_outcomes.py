"""An officer's decision as the applicant reads it: the step's result ("Accepted",
"Rejected") on the timeline, in the case API's labels and in the notifications, while
the officers' buttons keep their words ("Accept", "Reject")."""

from __future__ import annotations

import lxml.html
from django.test import Client
from django.utils import translation

from onewindow.cases import presenters
from onewindow.cases.notifications import outcome_label
from onewindow.cases.outcomes import RESULTS, result_label
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.test_api import as_user
from onewindow.cases.tests.timekit import at, decide, travel
from onewindow.identity.models import User
from onewindow.notifications.models import Notification
from onewindow.workflow.choices import Outcome

__all__ = ["as_user"]  # the fixture, shared with the API tests

WORDS = {
    "accept": "Accepted",
    "not_accepted": "Not accepted",
    "approve": "Approved",
    "reject": "Rejected",
    "complete": "Completed",
}


def english(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def titles(html: str) -> list[str]:
    page = lxml.html.fromstring(html)
    return [" ".join(p.text_content().split()) for p in page.xpath("//p[@class='timeline-title']")]


def test_every_outcome_has_a_result():
    assert set(RESULTS) == set(Outcome.values)
    with translation.override("en"):
        assert {code: result_label(code) for code in Outcome.values} == WORDS
        assert outcome_label("reject") == "Rejected"
        assert result_label("an_older_outcome") == "an_older_outcome"
    with translation.override("zh-hans"):
        # The words the case's final statuses already use.
        assert [result_label(c) for c in ("not_accepted", "approve", "reject", "complete")] == [
            "不予受理",
            "已批准",
            "不予批准",
            "已办结",
        ]


def test_the_officers_buttons_keep_their_words():
    with translation.override("en"):
        assert presenters.outcome_choices(("accept", "not_accepted")) == [
            ("accept", "Accept"),
            ("not_accepted", "Not accepted"),
        ]
        assert presenters.outcome_list(("approve", "reject")) == "Approve, Reject"


def _rejected_passport(world: dict[str, User]) -> str:
    """citizen.chen's (English) passport case, accepted and then rejected on review."""
    with travel(at("2026-03-02", 10)):
        case = submit(world["citizen.chen"], PASSPORT)
    with travel(at("2026-03-02", 11)):
        decide(world["ga.window"], open_task(case, "Task_accept"), "accept")
    with travel(at("2026-03-03", 11)):
        decide(world["ga.review"], open_task(case, "Task_review"), "reject")
    return case.number


def test_the_timeline_reads_each_steps_result(world):
    number = _rejected_passport(world)
    with travel(at("2026-03-04", 10)):
        html = english(world["citizen.chen"]).get(f"/cases/{number}/").content.decode()
    steps = titles(html)
    assert len(steps) == 3
    assert steps[1].endswith(" — Accepted") and steps[2].endswith(" — Rejected")
    assert not any(step.endswith((" — Accept", " — Reject")) for step in steps)


def test_the_api_labels_the_result_and_keeps_the_codes(client, world, as_user):
    number = _rejected_passport(world)
    with travel(at("2026-03-04", 10)):
        response = client.get(
            f"/api/v1/cases/{number}", **as_user(world["citizen.chen"]), HTTP_ACCEPT_LANGUAGE="en"
        )
    timeline = response.json()["timeline"]
    assert [(e["outcome"], e["outcome_label"]) for e in timeline[1:]] == [
        ("accept", "Accepted"),
        ("reject", "Rejected"),
    ]


def test_the_notifications_tell_the_result(world):
    number = _rejected_passport(world)
    told = Notification.objects.filter(
        recipient=world["citizen.chen"], case_number=number, kind="case_decided"
    ).order_by("created_at", "pk")
    bodies = [n.body for n in told]
    assert len(bodies) == 2
    assert bodies[0].startswith("Window acceptance: Accepted. Your case")
    assert ": Rejected. Your case" in bodies[1]
    assert not any(": Accept." in body or ": Reject." in body for body in bodies)
