"""A task page on a phone in a real Chromium, in both languages: the table of who held
the case, wider than the screen, scrolls sideways in a region the keyboard reaches, and
nothing else on the page scrolls without it."""

from __future__ import annotations

import pytest

from onewindow.browser import axe_violations, focus_lands_on, switch_language, tab_reaches
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.test_browser import log_in, officer_page
from onewindow.cases.tests.timekit import decide
from onewindow.conftest import make_user
from onewindow.identity.demo_data import DEMO_PASSWORD
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.workflow import services as workflow_services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HOLDINGS = "div.table-scroll[aria-labelledby=holdings-caption]"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.django_db(transaction=True)
def test_who_held_the_case_scrolls_in_a_region_on_a_phone(browser, live_server, world, language):
    case = submit(world["citizen.wang"], PASSPORT)
    decide(world["ga.window"], open_task(case, "Task_accept"), "accept")
    review = open_task(case, "Task_review")
    reviewer = make_user(
        roles=[(Role.REVIEWING_OFFICER, Department.objects.get(code="310000-GA"))], with_totp=True
    )
    page = officer_page(browser, live_server, reviewer)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/cases/tasks/{review.pk}/")
    if language == "en":
        switch_language(page, "en")
    region = page.locator(HOLDINGS)
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert axe_violations(page) == []
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_refused_decision_reached_by_the_pages_link_focuses_its_error_summary(
    browser, live_server, world
):
    """The "Go to the decision" link leaves #decision-title in the address; a page sent
    back under it skipped the summary's autofocus, and the focus stayed on the page
    (a keyboard user's next Enter claimed the task). The form sends to the task's own
    address, and site.js focuses a summary that autofocus skipped."""
    case = submit(world["citizen.wang"], PASSPORT)
    window = make_user(
        roles=[(Role.WINDOW_OFFICER, Department.objects.get(code="310000-GA"))], with_totp=True
    )
    accept = open_task(case, "Task_accept")
    workflow_services.claim_task(actor=window, task_id=accept.pk)
    page = officer_page(browser, live_server, window)
    page.goto(f"/cases/tasks/{accept.pk}/")
    page.locator("a[href='#decision-title']").click()
    page.locator("input[name=outcome][value=not_accepted]").check()
    with page.expect_navigation():
        page.locator("form.decision-form button[type=submit]").click()
    assert focus_lands_on(page, ".decision-form .error-summary")


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_under_a_fragment_focuses_its_error_summary(browser, live_server, world):
    """The application form sends to its page's address, which the skip link leaves as
    #main and an error summary's link as #id_<field>: under a fragment the browser
    skipped the summary's autofocus and went to the fragment's element (a field already
    right, far below the new summary). site.js sends such a form without the fragment."""
    page = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    log_in(page, world["citizen.wang"], password=DEMO_PASSWORD)
    page.goto(f"/services/items/{PASSPORT}/apply/")
    # The skip link, focused as the first Tab reaches it; pressing Tab itself raced the
    # page's autofocus on a loaded host (CI), which moves where Tab goes next.
    page.locator("a.skip-link").focus()
    page.keyboard.press("Enter")  # the address ends in #main
    assert page.url.endswith("#main")
    submit = "form.application-form button[type=submit]:not([value=save_draft])"
    with page.expect_navigation():
        page.locator(submit).click()
    assert "#" not in page.url
    assert focus_lands_on(page, ".error-summary")
    # A link of the summary to a field, that field answered, the form sent again.
    link = page.locator(".error-summary a").first
    field = str(link.get_attribute("href"))
    link.click()
    assert page.url.endswith(field)
    with page.expect_navigation():
        page.locator(submit).click()
    assert "#" not in page.url
    assert focus_lands_on(page, ".error-summary")
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_claim_brings_the_keyboard_to_the_decision(browser, live_server, world):
    """QA: after a claim the page came back at its top, the focus lost, the decision
    thirteen header stops and the whole application away."""
    case = submit(world["citizen.wang"], PASSPORT)
    window = make_user(
        roles=[(Role.WINDOW_OFFICER, Department.objects.get(code="310000-GA"))], with_totp=True
    )
    accept = open_task(case, "Task_accept")
    page = officer_page(browser, live_server, window)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"/cases/tasks/{accept.pk}/")
    with page.expect_navigation():
        page.locator("form[action$='/claim/'] button").press("Enter")
    assert page.url.endswith(f"/cases/tasks/{accept.pk}/#decision-title")
    assert focus_lands_on(page, "#decision-title")
    # On into the panel: its Release button, then the decision's choices.
    assert tab_reaches(page, "#decision-title", ".decision-form input[name=outcome]", limit=2)
    page.context.close()
