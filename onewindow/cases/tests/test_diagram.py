"""The case's diagram.json: the people who may see the case page get each run's diagram,
everyone else what the case page gives them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onewindow.cases import diagram, services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import ADOPTION, COMPANY, open_task, submit
from onewindow.cases.tests.test_views import logged_in, officer
from onewindow.catalog import services as catalog_services
from onewindow.conftest import make_user
from onewindow.forms import queries as forms_queries
from onewindow.identity.models import User
from onewindow.identity.roles import Role
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.engine import ProcessError
from onewindow.workflow.tests.conftest import read_process

REVIEWS = ["Task_review_ga", "Task_review_wj", "Task_review_yb"]


def url(case: Case) -> str:
    return f"/cases/{case.number}/diagram.json"


def decide(case: Case, bpmn_id: str, user: User, outcome: str) -> None:
    task = open_task(case, bpmn_id)
    workflow_services.claim_task(actor=user, task_id=task.pk)
    services.decide_task(actor=user, task_id=task.pk, outcome=outcome, comment="理由")


@pytest.fixture
def accepted(world: dict[str, User]) -> Case:
    """An adoption case (three departments review in parallel) the window accepted."""
    case = submit(make_user(), ADOPTION)
    decide(case, "Task_accept", world["mz.window"], "accept")
    return case


def get(client: Client, case: Case) -> Any:
    response = client.get(url(case))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_who_gets_the_diagram(world, accepted):
    clients = {
        "applicant": logged_in(accepted.applicant),
        "other applicant": logged_in(make_user()),
        "officer of a reviewing lane": logged_in(officer("310000-GA", Role.REVIEWING_OFFICER)),
        "officer of the window's lane": logged_in(officer("310000-MZ")),
        "officer of another department": logged_in(officer("310000-SJ")),
        "anonymous": Client(),
    }
    expected = {
        "applicant": 200,
        "other applicant": 404,
        "officer of a reviewing lane": 200,
        "officer of the window's lane": 200,
        "officer of another department": 404,
        "anonymous": 302,
    }
    for who, client in clients.items():
        response = client.get(url(accepted))
        assert response.status_code == expected[who], who
        # The same answer as the case page itself.
        assert client.get(f"/cases/{accepted.number}/").status_code == expected[who], who
    assert clients["anonymous"].get(url(accepted))["Location"].startswith("/login/")
    assert logged_in(accepted.applicant).post(url(accepted)).status_code == 405


def test_the_diagram_of_an_accepted_parallel_case(accepted):
    [drawn] = get(logged_in(accepted.applicant), accepted)["diagrams"]
    assert drawn["drawn"] == accepted.number
    assert drawn["title"] == accepted.service_name_en  # the page's English
    assert drawn["xml"] == read_process("parallel_three.bpmn")
    # The lanes' codes ("310000-MZ/window_officer") as what they stand for, and the
    # elements by the English names the file gives them (``name_en``).
    # Lanes by the departments' short names: a full name with a role overflows a lane.
    lanes = {
        "Lane_window": "Civil Affairs · Window officer",
        "Lane_ga": "Public Security",
        "Lane_wj": "Health Commission",
        "Lane_yb": "Healthcare Security",
    }
    assert {i: n for i, n in drawn["names"].items() if i.startswith("Lane_")} == lanes
    assert drawn["names"]["Task_review_ga"] == "Public security review"
    assert drawn["names"]["Flow_accepted"] == "Accepted"
    assert drawn["completed"] == [
        "StartEvent_1",
        "Task_accept",
        "Gateway_accepted",
        "Gateway_split",
    ]
    assert [(c["id"], c["department"]) for c in drawn["current"]] == [
        ("Task_review_ga", "Shanghai Municipal Public Security Bureau"),
        ("Task_review_wj", "Shanghai Municipal Health Commission"),
        ("Task_review_yb", "Shanghai Municipal Healthcare Security Administration"),
    ]
    assert "Flow_ga" in drawn["taken_flows"] and "Flow_not_accepted" not in drawn["taken_flows"]
    assert drawn["summary"].startswith(
        "Completed: Window acceptance; Current: Public security review (Shanghai"
    )
    assert drawn["summary"].endswith("; Remaining: Close the case, Record the result")


def test_departments_and_summary_in_the_readers_language(world, accepted):
    decide(accepted, "Task_review_ga", world["ga.review"], "approve")
    client = logged_in(accepted.applicant)
    client.cookies["django_language"] = "zh-hans"
    [drawn] = get(client, accepted)["diagrams"]
    assert [c["department"] for c in drawn["current"]] == [
        "上海市卫生健康委员会",
        "上海市医疗保障局",
        "",  # the join waits for the other two reviews; nobody holds it
    ]
    assert drawn["summary"] == (
        "已完成：窗口受理、公安审核；"
        "当前：卫健审核（上海市卫生健康委员会）、医保审核（上海市医疗保障局）；"
        "剩余：办结、记录结果"
    )
    assert drawn["title"] == accepted.service_name
    # The file's Chinese names stand; only the lanes are renamed.
    assert drawn["names"] == {
        "Lane_window": "民政局 · 窗口受理人员",
        "Lane_ga": "公安局",
        "Lane_wj": "卫健委",
        "Lane_yb": "医保局",
    }


def test_a_finished_case_has_nothing_current_or_remaining(world, accepted):
    for review in REVIEWS:
        decide(accepted, review, officer(f"310000-{review[-2:].upper()}"), "approve")
    decide(accepted, "Task_finish", world["mz.window"], "complete")
    [drawn] = get(logged_in(accepted.applicant), accepted)["diagrams"]
    assert drawn["current"] == []
    assert drawn["completed"][-1] == "EndEvent_done"
    assert drawn["summary"] == (
        "Completed: Window acceptance, Public security review, Health review, "
        "Medical insurance review, Close the case, Record the result"
    )


def test_a_company_case_for_every_agent_of_the_company(world):
    case = submit(world["agent.li"], COMPANY)
    colleague = make_user()
    assert case.company is not None
    case.company.agents.add(colleague)
    [drawn] = get(logged_in(colleague), case)["diagrams"]
    assert drawn["current"][0]["id"] == "Task_accept"


def test_a_life_event_with_one_run_has_one_diagram(world):
    parent = submit(make_user(), "newborn")
    [drawn] = get(logged_in(parent.applicant), parent)["diagrams"]
    assert (drawn["drawn"], drawn["xml"]) == (parent.number, read_process("newborn.bpmn"))


def newborn_in_separate_runs() -> Case:
    """A newborn application after the event lost its process of the whole and its
    hukou item moved to the single-department process: the event's children no longer
    share one run; each runs its item's process."""
    catalog_services.bind_event_process(code="newborn", process=None)
    catalog_services.bind_application(
        actor=None,
        code="310000-GA-QR-0001",
        form=forms_queries.latest_definition("newborn_hukou"),
        process=workflow_queries.latest_definition("single_department"),
    )
    return submit(make_user(), "newborn")


def test_a_life_event_with_separate_runs_has_one_diagram_per_child(world):
    parent = newborn_in_separate_runs()
    children = list(parent.children.order_by("pk"))  # in the order the case page lists them
    assert parent.instance is None and all(c.instance is not None for c in children)
    diagrams = get(logged_in(parent.applicant), parent)["diagrams"]
    assert [d["drawn"] for d in diagrams] == [c.number for c in children]
    assert [d["title"] for d in diagrams] == [
        c.service_name_en for c in children
    ]  # the page's English
    hukou = diagrams[[c.service_code for c in children].index("310000-GA-QR-0001")]
    assert hukou["xml"] == read_process("single_department.bpmn")
    assert hukou["current"] == [
        {"id": "Task_accept", "department": "Shanghai Municipal Public Security Bureau"}
    ]


def test_a_process_that_no_longer_loads_is_a_409_the_page_survives(accepted, monkeypatch):
    def refuse(instance: Any) -> None:
        raise ProcessError("This process version can no longer be loaded.")

    monkeypatch.setattr(diagram.workflow_queries, "diagram_of", refuse)
    client = logged_in(accepted.applicant)
    response = client.get(url(accepted))
    assert response.status_code == 409
    assert response.json()["code"] == "diagram_unavailable"
    assert client.get(f"/cases/{accepted.number}/").status_code == 200
