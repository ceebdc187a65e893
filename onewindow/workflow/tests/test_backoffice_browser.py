"""The processes' back office in a real Chromium: a department admin uploads a file the
platform refuses, reads its problems by element, uploads a corrected one and reads the
process's lanes and steps, in Chinese, on a wide screen and on a phone."""

from __future__ import annotations

import pytest

from onewindow.browser import axe_violations, focus_lands_on
from onewindow.cases.tests.test_browser import officer_page
from onewindow.conftest import make_user
from onewindow.identity.roles import Role
from onewindow.workflow.tests.conftest import MALICIOUS, PROCESSES

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_an_admin_corrects_a_refused_process_and_reads_it(browser, live_server, city):
    admin = make_user(roles=[(Role.DEPARTMENT_ADMIN, city["GA"])], with_totp=True)
    page = officer_page(browser, live_server, admin)
    page.goto("/backoffice/processes/upload/")
    assert axe_violations(page, "main") == []
    page.locator("#id_key").fill("permit")
    page.locator("#id_name").fill("护照审批")
    page.locator("#id_bpmn").set_input_files(str(MALICIOUS / "send_task.bpmn"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").press("Enter")
    assert focus_lands_on(page, ".error-summary")
    row = page.locator("table tbody tr").first
    assert "sendTask" in row.inner_text() and "Task_2" in row.inner_text()
    assert "不支持的 BPMN 元素" in row.inner_text()
    # A file input keeps nothing after a refusal: the admin chooses the corrected file.
    page.locator("#id_bpmn").set_input_files(str(PROCESSES / "single_department.bpmn"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").press("Enter")
    assert page.url.endswith("/backoffice/processes/process/permit/")
    assert "permit 的第 1 版" in page.locator(".messages").inner_text()
    lanes = page.locator("section[aria-labelledby=lanes-title] table")
    assert lanes.locator("tbody tr").count() == 2
    # The diagram is drawn as the file has it, its lanes named by their department.
    drawn = page.locator(".diagram-canvas[data-diagram-drawn='permit v1']")
    drawn.locator("svg").first.wait_for()
    assert city["GA"].name in drawn.inner_text()
    assert page.locator(".diagram-canvas .ow-remaining").count() == 0
    assert page.locator("[data-diagram-fallback]").is_hidden()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_an_admin_tries_a_decision_table_and_sees_the_route_drawn(browser, live_server, city):
    from onewindow.workflow.tests.conftest import upload

    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    admin = make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])], with_totp=True)
    page = officer_page(browser, live_server, admin)
    page.goto("/backoffice/processes/process/routing/")
    with page.expect_navigation():
        page.locator("a[href$='/v1/try/']").press("Enter")
    assert axe_violations(page, "main") == []
    page.locator("#id_case_data").fill('{"amount": 90000, "applicant_age": 30}')
    with page.expect_navigation():
        page.locator("main form button[type=submit]").press("Enter")
    assert focus_lands_on(page, "#result-title")
    assert page.locator("section[aria-labelledby=result-title] tbody tr").count() == 3
    page.locator(".diagram-canvas[data-diagram-drawn] svg").first.wait_for()
    # The second review the rule asked for is drawn as done, on the path taken.
    assert (
        page.locator(".diagram-canvas [data-element-id=Task_second_review].ow-completed").count()
        == 1
    )
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.context.close()
