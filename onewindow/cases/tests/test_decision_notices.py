"""A decision's notice tells the applicant what comes next: the steps the run now
waits on, each with its department, in the language of each copy; none once the case
is finished, when it says the case's result instead."""

from __future__ import annotations

import pytest

from onewindow.cases.tests.conftest import open_task, submit
from onewindow.cases.tests.timekit import accepted_passport, at, decide, travel
from onewindow.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _decided(case_number: str) -> list[Notification]:
    return list(
        Notification.objects.filter(kind="case_decided", case_number=case_number).order_by("pk")
    )


def test_a_decision_says_which_step_comes_next_and_where(world):
    case, review = accepted_passport(world, at("2026-03-02", 10))
    [accepted] = _decided(case.number)
    english = accepted.text_in("en")[1]
    assert "Next: Review (Shanghai Municipal Public Security Bureau)" in english
    assert "下一步：审核（上海市公安局）" in accepted.text_in("zh-hans")[1]
    with travel(at("2026-03-03", 10)):
        decide(world["ga.review"], review, "approve")
    finished = _decided(case.number)[-1]
    assert "Next" not in finished.text_in("en")[1]
    # The last decision gives the case's result, in its subject and its last line.
    subject, body = finished.text_in("en")
    assert subject == f"Result of your case {case.number}: Approved"
    assert body.endswith(
        "That was its last step: your case is finished. Each step and its "
        "outcome are under My cases in OneWindow."
    )
    assert accepted.text_in("en")[0] == f"Update on your case {case.number}"


def test_a_life_events_next_step_is_the_next_departments(world):
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    with travel(at("2026-03-02", 11)):
        decide(world["wj.review"], open_task(parent, "Task_birth_certificate"), "complete")
    [done] = _decided(parent.number)
    assert (
        "Next: Household registration (Shanghai Municipal Public Security Bureau)"
        in (done.text_in("en")[1])
    )


def test_a_refusal_gives_its_reason_in_the_notice(world):
    case = submit(world["citizen.wang"], "310000-GA-XK-0001")
    with travel(at("2026-03-02", 10)):
        decide(world["ga.window"], open_task(case, "Task_accept"), "not_accepted")
    [refused] = _decided(case.number)
    assert "Reason: 理由" in refused.text_in("en")[1]  # the comment timekit.decide gives
    assert "理由：理由" in refused.text_in("zh-hans")[1]


def test_an_acceptance_gives_no_reason(world):
    case, _review = accepted_passport(world, at("2026-03-02", 10))
    [accepted] = _decided(case.number)
    assert "Reason" not in accepted.text_in("en")[1]
