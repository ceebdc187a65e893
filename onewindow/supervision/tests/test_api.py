"""GET /api/v1/supervision/time-limits (supervision/api.py), on the ``late`` fixture's
cases at Tue 2026-03-10 09:00."""

from datetime import datetime

import pytest

from onewindow.cases.tests.conftest import open_task
from onewindow.cases.tests.test_api import token_for
from onewindow.cases.tests.timekit import at, travel
from onewindow.supervision.tests.conftest import NOW, ask_for_a_supplement, give_the_review_time
from onewindow.workflow import services as workflow_services

pytestmark = pytest.mark.single_pass

URL = "/api/v1/supervision/time-limits"


def get(client, user, query=None, language="en"):
    # One token per user and test: a second login in the same 30 s would reuse its code.
    tokens = client.__dict__.setdefault("tokens", {})
    with travel(NOW):
        if user.pk not in tokens:
            tokens[user.pk] = token_for(client, user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.pk]}"}
        return client.get(URL, query or {}, HTTP_ACCEPT_LANGUAGE=language, **headers)


def test_late_cases_by_department(client, world, late):
    response = get(client, world["supervisor"])
    assert response.status_code == 200, response.content
    assert response["X-Total-Count"] == "4"  # the cases found, all listed
    ga, mz = response.json()
    assert (ga["department"], ga["overdue"], ga["at_risk"]) == ("310000-GA", 2, 1)
    assert ga["department_name"] == "Shanghai Municipal Public Security Bureau"
    assert (mz["department"], mz["overdue"], mz["at_risk"]) == ("310000-MZ", 1, 0)
    most, overdue, at_risk = ga["cases"]
    assert [c["number"] for c in ga["cases"]] == [
        late["most_overdue"].number,
        late["overdue"].number,
        late["at_risk"].number,
    ]
    assert (most["colour"], most["overdue_days"]) == ("red", 4)
    # The review's deadline: the close of Wed 03-04.
    assert datetime.fromisoformat(most["due_at"]) == at("2026-03-05", 0)
    assert most["current"] == [
        {
            "task": "Review",
            "department": "Shanghai Municipal Public Security Bureau",
            "holder": "",
            "holder_kind": "queue",
        }
    ]
    # The clock is the review's, not the case's own.
    assert most["clock_step"] == most["current"][0]
    assert (most["longest_holder_kind"], most["longest_holder"]) == ("queue", "")
    assert most["longest_working_days"] == round(215 / 24, 2)  # 8.96
    assert overdue["current"][0]["holder"] == "刘洋"
    assert (overdue["longest_holder"], overdue["longest_working_days"]) == ("刘洋", 5.0)
    assert overdue["longest_holder_department"] == "Shanghai Municipal Public Security Bureau"
    assert (at_risk["colour"], at_risk["overdue_days"]) == ("yellow", 0)
    [adoption] = mz["cases"]
    assert (adoption["number"], adoption["colour"], adoption["overdue_days"]) == (
        late["adoption"].number,
        "red",
        3,
    )
    assert len(adoption["current"]) == 3


def test_a_lead_gets_their_department(client, world, late):
    body = get(client, world["mz.lead"]).json()
    assert [(g["department"], len(g["cases"])) for g in body] == [("310000-MZ", 1)]


@pytest.mark.parametrize("who", ["ga.window", "ga.admin", "citizen.wang"])
def test_others_are_forbidden(client, world, late, who):
    response = get(client, world[who])
    assert response.status_code == 403
    assert set(response.json()) == {"code", "message", "fields"}


def test_without_a_token_401(client, db):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_cases_own_clock_has_no_step(client, world, late):
    give_the_review_time(late["overdue"])
    ga, _mz = get(client, world["supervisor"]).json()
    [overdue] = [c for c in ga["cases"] if c["number"] == late["overdue"].number]
    assert (overdue["colour"], overdue["clock_step"]) == ("yellow", None)


def test_each_current_step_says_who_has_it(client, world, late):
    # 公安's reviewer claims the adoption's review, then asks the applicant for a
    # document: the step is the applicant's until it comes, though the claim stays.
    review = open_task(late["adoption"], "Task_review_ga")
    with travel(at("2026-03-03", 8)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    ask_for_a_supplement(world, late["adoption"], "Task_review_ga", "ga.review")
    ga, mz = get(client, world["supervisor"]).json()
    held = {step["department"]: step for step in mz["cases"][0]["current"]}
    police = held["Shanghai Municipal Public Security Bureau"]
    assert (police["holder_kind"], police["holder"]) == ("applicant", "")
    assert {s["holder_kind"] for d, s in held.items() if s is not police} == {"queue"}
    most, overdue, _at_risk = ga["cases"]
    assert (most["current"][0]["holder_kind"], most["current"][0]["holder"]) == ("queue", "")
    assert (overdue["current"][0]["holder_kind"], overdue["current"][0]["holder"]) == (
        "officer",
        "刘洋",
    )


def test_pages_by_limit_and_offset_most_urgent_first(client, world, late):
    def numbers(body):
        return [case["number"] for group in body for case in group["cases"]]

    first = get(client, world["supervisor"], {"limit": 3})
    second = get(client, world["supervisor"], {"limit": 3, "offset": 3})
    assert first["X-Total-Count"] == second["X-Total-Count"] == "4"
    assert len(numbers(first.json())) == 3
    [last] = numbers(second.json())
    assert late["most_overdue"].number in numbers(first.json())
    assert sorted([*numbers(first.json()), last]) == sorted(
        late[name].number for name in ("most_overdue", "overdue", "at_risk", "adoption")
    )
    assert get(client, world["supervisor"], {"limit": 0}).status_code == 422


def test_a_department_narrows_the_list(client, world, late):
    response = get(client, world["supervisor"], {"department": "310000-MZ"})
    assert response.status_code == 200
    assert response["X-Total-Count"] == "1"
    [group] = response.json()
    assert [case["number"] for case in group["cases"]] == [late["adoption"].number]


@pytest.mark.parametrize(
    ("who", "code"), [("supervisor", "NOPE"), ("mz.lead", "310000-GA"), ("ga.lead", "310000-MZ")]
)
def test_a_department_not_supervised_is_a_422(client, world, late, who, code):
    # Unknown, or known but another's: the same answer, which tells nothing of it.
    response = get(client, world[who], {"department": code}, "zh-hans")
    assert response.status_code == 422
    body = response.json()
    assert body["fields"]["department"] == ["您监督的部门中没有这个代码。"]
