"""A step's name in the reader's language: the Chinese ``name`` of its BPMN element, or
the English one its ``name_en`` property gives, kept on the task and on each timeline
entry as filed (a later version of the process changes new cases only)."""

from __future__ import annotations

import lxml.html
import pytest

from onewindow.cases import services
from onewindow.cases.models import CaseEvent
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.test_api import as_user  # noqa: F401  (a fixture)
from onewindow.cases.tests.test_views import logged_in, officer, words
from onewindow.conftest import make_user
from onewindow.identity.roles import Role
from onewindow.workflow import services as workflow_services
from onewindow.workflow.models import WorkTask

pytestmark = pytest.mark.django_db


def accepted(world, applicant=None):
    case = submit(applicant or world["citizen.wang"], PASSPORT)
    task = open_task(case, "Task_accept")
    workflow_services.claim_task(actor=world["ga.window"], task_id=task.pk)
    services.decide_task(actor=world["ga.window"], task_id=task.pk, outcome="accept", comment="齐")
    return case


def test_tasks_and_timeline_entries_keep_both_names(world):
    case = accepted(world)
    names = WorkTask.objects.filter(instance=case.instance).values_list("name", "name_en")
    assert sorted(names) == [("审核", "Review"), ("窗口受理", "Window acceptance")]
    decided = CaseEvent.objects.get(case=case, outcome="accept")
    assert (decided.step, decided.step_en) == ("窗口受理", "Window acceptance")


def test_a_process_without_english_names_shows_the_chinese_ones(world):
    case = accepted(world)
    WorkTask.objects.filter(instance=case.instance).update(name_en="")
    review = open_task(case, "Task_review")
    page = logged_in(officer("310000-GA", Role.REVIEWING_OFFICER)).get(f"/cases/tasks/{review.pk}/")
    [heading] = lxml.html.fromstring(page.content).xpath("//h1")
    assert words(heading).startswith("审核:")  # the English page's colon
    # On the English page the Chinese name is marked as Chinese, for screen readers.
    assert [span.text for span in heading.xpath(".//span[@lang='zh-Hans']")] == ["审核"]


@pytest.mark.parametrize(
    ("language", "step", "other"),
    [("en", "Window acceptance", "窗口受理"), ("zh-hans", "窗口受理", "Window acceptance")],
)
def test_pages_name_steps_in_the_readers_language(world, language, step, other):
    applicant = make_user()
    case = accepted(world, applicant)
    citizen = logged_in(applicant)
    citizen.cookies["django_language"] = language
    timeline = lxml.html.fromstring(citizen.get(f"/cases/{case.number}/").content)
    [steps] = timeline.xpath("//ol[contains(@class, 'timeline')]")
    assert step in words(steps) and other not in words(steps)

    reviewer = logged_in(officer("310000-GA", Role.REVIEWING_OFFICER))
    reviewer.cookies["django_language"] = language
    review = "Review" if language == "en" else "审核"
    inbox = lxml.html.fromstring(reviewer.get("/cases/inbox/").content)
    links = [words(a) for a in inbox.xpath("//table//a[contains(@href, '/cases/tasks/')]")]
    assert review in links
    task = open_task(case, "Task_review")
    page = lxml.html.fromstring(reviewer.get(f"/cases/tasks/{task.pk}/").content)
    colon = ":" if language == "en" else "："  # Chinese punctuation on Chinese pages
    assert words(page.xpath("//h1")[0]).startswith(f"{review}{colon}")


def test_the_api_gives_both_names(world, client, as_user):  # noqa: F811
    case = accepted(world)
    detail = client.get(f"/api/v1/cases/{case.number}", **as_user(world["citizen.wang"])).json()
    decided = [entry for entry in detail["timeline"] if entry["outcome"] == "accept"]
    assert [(e["step"], e["step_en"]) for e in decided] == [("窗口受理", "Window acceptance")]
    inbox = client.get("/api/v1/tasks", **as_user(world["ga.review"])).json()
    mine = [t for t in inbox if t["case"] == case.number]
    assert [(t["name"], t["name_en"]) for t in mine] == [("审核", "Review")]
