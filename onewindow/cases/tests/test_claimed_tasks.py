"""A department admin frees tasks held by an officer who is away (ADR 0007,
``workflow.permissions.can_release``): the inbox lists the tasks claimed in the
departments they administer, each with a Release button that brings them back to the
inbox; nobody else gets the list."""

from __future__ import annotations

import lxml.html
import pytest

from onewindow.audit.models import AuditEvent
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.timekit import signed_in
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import TaskStatus

pytestmark = pytest.mark.django_db

INBOX = "/cases/inbox/"


@pytest.fixture
def held(world):
    """A passport case's acceptance, claimed by the window officer."""
    case = submit(world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    workflow_services.claim_task(actor=world["ga.window"], task_id=task.pk)
    return case, task


def claimed_rows(client) -> list[list[str]]:
    page = lxml.html.fromstring(client.get(INBOX).content)
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
        for row in page.xpath("//section[@aria-labelledby='claimed-title']//tbody/tr")
    ]


def test_the_admin_sees_who_holds_what_and_releases_it_back_to_the_inbox(world, held):
    case, task = held
    admin = signed_in(world["ga.admin"])
    [row] = claimed_rows(admin)
    assert row[0] == case.number and row[3] == world["ga.window"].full_name
    response = admin.post(f"/cases/tasks/{task.pk}/release/", {"next": INBOX})
    assert response.status_code == 302 and response["Location"] == INBOX
    task.refresh_from_db()
    assert (task.status, task.claimed_by_id) == (TaskStatus.READY, None)
    page = admin.get(INBOX).content.decode()
    assert f"You released the task “Window acceptance” of case {case.number}" in page
    assert claimed_rows(admin) == []
    released = AuditEvent.objects.get(action="workflow.task_released")
    assert (released.actor_id, released.outcome) == (world["ga.admin"].pk, "success")


@pytest.mark.parametrize("who", ["ga.window", "ga.review", "pd.admin", "sj.window"])
def test_no_one_else_gets_the_list(world, held, who):
    """The officers themselves, and an admin of another department."""
    assert claimed_rows(signed_in(world[who])) == []


def test_a_list_cut_short_says_how_many_there_are(world, held, monkeypatch):
    """QA: it stopped at 100 of 306 without a word."""
    second = open_task(submit(world["citizen.wang"], PASSPORT), "Task_accept")
    workflow_services.claim_task(actor=world["ga.window"], task_id=second.pk)
    admin = signed_in(world["ga.admin"])
    notice = "//section[@aria-labelledby='claimed-title']//p[@class='notice']"
    assert lxml.html.fromstring(admin.get(INBOX).content).xpath(notice) == []
    monkeypatch.setattr(workflow_queries, "CLAIMED_SHOWN", 1)
    page = lxml.html.fromstring(admin.get(INBOX).content)
    assert len(claimed_rows(admin)) == 1
    [said] = page.xpath(notice)
    assert " ".join(said.text_content().split()) == (
        "The 1 held longest of 2: releasing them shows the next."
    )
