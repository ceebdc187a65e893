"""Every kind of page, as each kind of person meets it, audited by axe-core in a real
Chromium in both languages: WCAG 2.x A and AA and axe's best practices (landmarks,
headings), with nothing found.

The journeys audit the pages they walk at the moments that matter (a form with its
errors, a decision panel open); this sweep reaches the pages no journey walks, such as
the back office's lists, the account pages and the receipt. Each person logs in once,
audits their pages in Chinese, switches to English with the header's switch and audits
them again.
"""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.browser import axe_violations, focus_lands_on, switch_language
from onewindow.cases import extensions, supplements
from onewindow.cases import services as case_services
from onewindow.cases.tests.conftest import ADOPTION, PASSPORT, open_task, submit
from onewindow.cases.tests.test_timelimit_browser import person
from onewindow.identity.models import User
from onewindow.workflow import services as workflow_services
from onewindow.workflow.models import ProcessDefinition

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def audit(page: Any, paths: list[str]) -> dict[str, list[str]]:
    """axe-core's findings on each page of ``paths`` (only those with any)."""
    found = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, (path, response and response.status)
        if problems := axe_violations(page):
            found[path] = problems
    return found


def audit_in_both_languages(page: Any, paths: list[str]) -> None:
    assert audit(page, paths) == {}
    switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert audit(page, paths) == {}


@pytest.fixture
def cases(world: dict[str, User]) -> dict[str, Any]:
    """A passport case waiting for its review (with a supplement asked of it and an
    extension asked for), a second one just submitted, and an adoption decided."""
    citizen, window, reviewer = (world[n] for n in ("citizen.wang", "ga.window", "ga.review"))
    reviewed = submit(citizen, PASSPORT)
    accept = open_task(reviewed, "Task_accept")
    workflow_services.claim_task(actor=window, task_id=accept.pk)
    case_services.decide_task(actor=window, task_id=accept.pk, outcome="accept")
    review = open_task(reviewed, "Task_review")
    workflow_services.claim_task(actor=reviewer, task_id=review.pk)
    extensions.request_extension(
        actor=reviewer, task_id=review.pk, days=2, reason="需要向外省公安机关核实户籍信息"
    )
    supplements.request_supplement(
        actor=reviewer, task_id=review.pk, items=[{"slot": "photo", "reason": "背景不是白色"}]
    )
    waiting = submit(citizen, PASSPORT)
    decided = submit(world["citizen.chen"], ADOPTION)
    return {
        "reviewed": reviewed.number,
        "review_task": review.pk,
        "waiting": waiting.number,
        "accept_task": open_task(waiting, "Task_accept").pk,
        "decided": decided.number,
    }


@pytest.mark.django_db(transaction=True)
def test_the_public_pages(page, world):
    audit_in_both_languages(
        page,
        [
            "/",
            "/services/",
            "/services/search/?q=护照",
            f"/services/items/{PASSPORT}/",
            "/services/events/",
            "/services/events/newborn/",
            "/services/breadth/",
            "/login/",
            "/register/",
            "/password/forgotten/",
        ],
    )


@pytest.mark.django_db(transaction=True)
def test_the_applicants_pages(browser, live_server, world, cases):
    page = person(browser, live_server, world["citizen.wang"])
    audit_in_both_languages(
        page,
        [
            "/cases/",
            f"/cases/{cases['reviewed']}/",  # with the supplement's answer form
            f"/cases/{cases['waiting']}/",
            f"/cases/{cases['waiting']}/receipt/",
            f"/services/items/{PASSPORT}/apply/",
            "/cases/events/newborn/apply/",
            "/notifications/",
            "/account/",
            "/account/password/",
        ],
    )
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_the_officers_pages(browser, live_server, world, cases):
    window = person(browser, live_server, world["ga.window"], officer=True)
    audit_in_both_languages(
        window,
        [
            "/cases/inbox/",
            f"/cases/tasks/{cases['accept_task']}/",  # to claim
            f"/cases/tasks/{cases['review_task']}/",  # another's, waiting for the answer
            f"/cases/{cases['reviewed']}/",
            "/officer/",
            "/account/2fa/",
        ],
    )
    window.context.close()
    lead = person(browser, live_server, world["ga.lead"], officer=True)
    audit_in_both_languages(lead, ["/cases/extensions/", "/cases/inbox/"])
    lead.context.close()


@pytest.mark.django_db(transaction=True)
def test_the_supervisors_and_admins_pages(browser, live_server, world, cases):
    supervisor = person(browser, live_server, world["supervisor"], officer=True)
    audit_in_both_languages(supervisor, ["/supervision/time-limits/"])
    supervisor.context.close()

    process = ProcessDefinition.objects.filter(key="dmn_routing").latest("version")
    admin = person(browser, live_server, world["admin"], officer=True)
    audit_in_both_languages(
        admin,
        [
            "/backoffice/catalog/",
            f"/backoffice/catalog/items/{PASSPORT}/",
            f"/backoffice/catalog/items/{PASSPORT}/edit/",
            "/backoffice/catalog/items/new/",
            "/backoffice/catalog/life-events/",
            "/backoffice/catalog/reviews/",
            "/backoffice/catalog/import/",
            "/backoffice/catalog/synonyms/",
            "/backoffice/forms/",
            "/backoffice/forms/upload/",
            "/backoffice/forms/form/birth_certificate/",
            "/backoffice/processes/",
            "/backoffice/processes/upload/",
            f"/backoffice/processes/process/{process.key}/",
            f"/backoffice/processes/process/{process.key}/v{process.version}/try/",
            "/officer/departments/310000/",
        ],
    )
    # A grant asked for: who it would go to, before anything is written.
    admin.goto("/officer/departments/310000-GA/")
    admin.locator("#id_username").fill("agent.li")
    admin.locator("#id_role").select_option("window_officer")
    with admin.expect_navigation():
        admin.locator("#id_username").press("Enter")
    assert focus_lands_on(admin, "#confirm-grant-title")
    assert "Acts for the companies" in admin.locator(".confirm-grant").inner_text()
    assert axe_violations(admin) == []
    admin.context.close()


def scrolls_sideways(page: Any, paths: list[str]) -> dict[str, int]:
    """The pages of ``paths`` wider than the window with the text at 200% (WCAG 1.4.4,
    1.4.10), each with how wide it is."""
    found = {}
    for path in paths:
        page.goto(path)
        # CSSOM, which the Content Security Policy allows (a style element it would not).
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.viewport_size["width"]:
            found[path] = width
    return found


@pytest.mark.django_db(transaction=True)
def test_at_200_percent_text_a_phone_scrolls_no_page_sideways(browser, live_server, world, cases):
    """QA: the header's name in English, My cases' numbers and a guide's office hours
    ran off a phone's screen at 200% text."""
    page = person(browser, live_server, world["citizen.wang"])
    paths = ["/cases/", f"/services/items/{PASSPORT}/", f"/cases/{cases['reviewed']}/"]
    for width in (375, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert scrolls_sideways(page, paths) == {}, width
    switch_language(page, "en")
    for width in (375, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert scrolls_sideways(page, paths) == {}, width
    page.context.close()
