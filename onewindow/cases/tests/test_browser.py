"""The whole journey in a real Chromium: a citizen applies for the three-department
parallel service, the window accepts, three departments approve in their inboxes, the
window completes, and the citizen sees every step on the case's timeline."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.cases.choices import CaseStatus
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import ADOPTION
from onewindow.catalog.choices import OnlineLevel, VersionStatus
from onewindow.catalog.models import ServiceItemVersion
from onewindow.conftest import PASSWORD, make_user, otp_for
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def log_in(page: Any, user: User, *, officer: bool = False, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    if officer:
        assert "/account/2fa/" in page.url
        page.locator("#id_otp").fill(otp_for(user))
        with page.expect_navigation():
            page.locator("#id_otp").press("Enter")


def officer_page(browser: Any, live_server: Any, user: User) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    log_in(page, user, officer=True)
    return page


def decide(page: Any, number: str, outcome: str, comment: str) -> None:
    """Find the case in the inbox, open its task, claim it and decide."""
    page.goto("/cases/inbox/")
    row = page.locator("tr", has_text=number)
    with page.expect_navigation():
        row.locator("a").first.click()
    assert number in page.locator(".eyebrow").inner_text()
    with page.expect_navigation():
        page.locator("form[action$='/claim/'] button").click()
    page.locator(f"input[name=outcome][value={outcome}]").check()
    page.locator("#id_comment").fill(comment)
    page.locator("#id_note_for_applicant").fill(f"{comment}（致申请人）")
    with page.expect_navigation():
        page.locator(".decision-form button[type=submit]").click()
    assert page.url.endswith("/cases/inbox/")


@pytest.mark.django_db(transaction=True)
def test_parallel_application_journey(page, browser, live_server, world):
    # The demo's adoption item is guided only (level 1); open it for online application.
    ServiceItemVersion.objects.filter(item__code=ADOPTION, status=VersionStatus.PUBLISHED).update(
        online_level=OnlineLevel.SUBMISSION
    )
    citizen = make_user(username="citizen.journey")

    def officer(code: str, role: str) -> User:
        return make_user(roles=[(role, Department.objects.get(code=code))], with_totp=True)

    window = officer("310000-MZ", Role.WINDOW_OFFICER)
    reviewers = {
        code: officer(code, Role.REVIEWING_OFFICER)
        for code in ("310000-GA", "310000-WJ", "310000-YB")
    }

    # The citizen applies.
    log_in(page, citizen)
    page.goto(f"/services/items/{ADOPTION}/apply/")
    page.locator("#id_applicant_name").fill("测试申请人")
    page.locator("#id_applicant_id_number").fill(citizen.id_number or "")
    page.locator("#id_applicant_phone").fill("13916200101")
    page.locator("#id_child_name").fill("小明")
    page.locator("#id_child_birth_date").fill("2025-01-15")
    page.locator("#id_declaration").check()
    with page.expect_navigation():
        page.locator("form.application-form button[type=submit]:not([value=save_draft])").click()
    assert "/receipt/" in page.url
    number = page.locator(".case-number").inner_text().strip()
    assert Case.objects.get(number=number).applicant_id == citizen.pk

    # The window accepts; three departments review in parallel; the window completes.
    desk = officer_page(browser, live_server, window)
    decide(desk, number, "accept", "材料齐全，予以受理")
    pages = {code: officer_page(browser, live_server, user) for code, user in reviewers.items()}
    for code, reviewer in pages.items():
        decide(reviewer, number, "approve", f"{code} 审核通过")
    decide(desk, number, "complete", "已办结")

    # The citizen sees the case completed, with every step.
    page.goto(f"/cases/{number}/")
    assert page.locator("h1").inner_text().strip()
    steps = page.locator("ol.timeline > li")
    assert steps.count() == 6
    timeline = page.locator("ol.timeline").inner_text()
    for text in ("材料齐全，予以受理", "310000-GA 审核通过", "310000-YB 审核通过", "已办结"):
        assert text in timeline
    assert Case.objects.get(number=number).status == CaseStatus.COMPLETED
    with page.expect_navigation():
        page.locator(".site-nav a[href='/cases/']").click()
    assert number in page.locator("table").inner_text()

    # On a phone each case is a card of labelled lines: nothing scrolls sideways (WCAG
    # 1.4.10), and Chromium still gives assistive technology a table.
    page.set_viewport_size({"width": 375, "height": 740})
    table = page.locator("table.my-cases")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    status = table.locator("tbody tr", has_text=number).locator("td").nth(1)
    label = status.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.startswith('"状态："'), label  # shown, and (`/ ""`) not read twice
    assert status.evaluate("td => td.getBoundingClientRect().right") <= 375
    # What Chromium's accessibility tree makes of the page (it has only this table).
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    roles = {node["role"]["value"] for node in nodes if "role" in node}
    assert {"table", "row", "columnheader", "rowheader", "cell"} <= roles
