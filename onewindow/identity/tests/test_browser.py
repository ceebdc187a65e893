"""Log in through a real Chromium as a citizen and as an officer with 2FA, in both
languages, using only the keyboard where a person would."""

from __future__ import annotations

import pytest

from onewindow.browser import switch_language
from onewindow.conftest import PASSWORD, make_department, make_user, otp_for
from onewindow.identity.models import DepartmentKind
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def log_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("language", "account_heading", "html_lang"),
    [("zh-hans", "个人中心", "zh-Hans"), ("en", "My account", "en")],
)
@pytest.mark.django_db(transaction=True)
def test_citizen_logs_in(page, language, account_heading, html_lang):
    citizen = make_user(username="citizen.browser")
    page.goto("/")
    if language == "en":
        switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == html_lang
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    log_in(page, citizen.username)
    assert page.locator("h1").inner_text() == account_heading
    assert page.get_by_test_id("id-number").inner_text() == citizen.id_number


@pytest.mark.parametrize(
    ("language", "workspace_heading", "department_name"),
    [("zh-hans", "工作台", "公安局"), ("en", "Officer workspace", "Department 310000-GA")],
)
@pytest.mark.django_db(transaction=True)
def test_officer_logs_in_with_second_factor(
    page, tmp_path, language, workspace_heading, department_name
):
    root = make_department(code="310000", name="市政府", kind=DepartmentKind.CITY)
    police = make_department(code="310000-GA", name="公安局", parent=root)
    officer = make_user(
        username="officer.browser", roles=[(Role.WINDOW_OFFICER, police)], with_totp=True
    )
    page.goto("/")
    if language == "en":
        switch_language(page, "en")
    log_in(page, officer.username)
    assert "/account/2fa/" in page.url
    page.locator("#id_otp").fill(otp_for(officer))
    page.locator("#id_otp").press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == workspace_heading
    page.get_by_role("link", name=department_name).click()
    assert page.locator("h1").inner_text().startswith(department_name)
    page.screenshot(path=str(tmp_path / f"officer-{language}.png"))


@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_announced(page):
    make_user(username="citizen.typo")
    page.goto("/login/")
    page.locator("#id_username").fill("citizen.typo")
    page.locator("#id_password").fill("not-the-password")
    page.locator("#id_password").press("Enter")
    alert = page.get_by_role("alert")
    assert "用户名或密码" in alert.inner_text()
