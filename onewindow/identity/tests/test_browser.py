"""Log in through a real Chromium as a citizen and as an officer with 2FA, in both
languages, using only the keyboard where a person would."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from onewindow.browser import (
    axe_violations,
    focus_lands_on,
    switch_language,
    tab_reaches,
)
from onewindow.conftest import PASSWORD, make_department, make_user, otp_for
from onewindow.identity.models import DepartmentKind, RoleAssignment
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


@pytest.mark.django_db(transaction=True)
def test_admin_revokes_a_role_after_confirming_with_the_keyboard(page, tmp_path):
    root = make_department(code="310000", name="市政府", kind=DepartmentKind.CITY)
    police = make_department(code="310000-GA", name="公安局", parent=root)
    admin = make_user(
        username="admin.browser", roles=[(Role.DEPARTMENT_ADMIN, police)], with_totp=True
    )
    officer = make_user(username="officer.leaving", roles=[(Role.WINDOW_OFFICER, police)])
    page.goto("/")
    switch_language(page, "en")
    log_in(page, admin.username)
    page.locator("#id_otp").fill(otp_for(admin))
    page.locator("#id_otp").press("Enter")
    page.wait_for_load_state()
    page.goto("/officer/departments/310000-GA/")
    # Each revoke link is named for its officer and role, not just "Revoke".
    assert page.get_by_role("link", name="Revoke", exact=True).count() == 0
    link = page.get_by_role(
        "link", name=f"Revoke the role Window officer from {officer.full_name} (officer.leaving)"
    )
    with page.expect_navigation():
        link.press("Enter")
    assert page.locator("h1").inner_text() == "Revoke a role"
    assert "Window officer" in page.locator("main").inner_text()
    assert axe_violations(page, "main") == []
    page.screenshot(path=str(tmp_path / "revoke-confirm.png"))
    # From the breadcrumb's last link, the next stops are the confirm button's.
    assert tab_reaches(page, ".breadcrumb a:last-of-type", "main button[type=submit]", limit=2)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("status").inner_text() == "The role was revoked."
    assert not RoleAssignment.objects.filter(user=officer).exists()
    # The admin's own (and only) admin role: not offered; its address typed, the page
    # explains and offers no button.
    own = page.get_by_role(
        "link", name=f"Revoke the role Department admin from {admin.full_name} (admin.browser)"
    )
    assert own.count() == 0
    mine = RoleAssignment.objects.get(user=admin, role=Role.DEPARTMENT_ADMIN)
    page.goto(f"/officer/departments/310000-GA/roles/{mine.pk}/revoke/")
    assert focus_lands_on(page, "[data-testid=revoke-refusal]")
    assert "You cannot revoke your own role here" in page.get_by_role("alert").inner_text()
    assert page.locator("main button").count() == 0
    page.screenshot(path=str(tmp_path / "revoke-refused.png"))
    assert RoleAssignment.objects.filter(user=admin, role=Role.DEPARTMENT_ADMIN).exists()


@pytest.mark.django_db(transaction=True)
def test_typing_the_logout_address_offers_the_logout_button(page, tmp_path):
    citizen = make_user(username="citizen.leaving")
    log_in(page, citizen.username)
    page.goto("/logout/")
    assert page.locator("h1").inner_text() == "退出登录"
    page.screenshot(path=str(tmp_path / "logout.png"))
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="退出登录").press("Enter")
    page.goto("/logout/")
    main = page.locator("main")
    assert main.get_by_role("button").count() == 0
    with page.expect_navigation():
        main.get_by_role("link", name="登录").click()
    assert page.locator("h1").inner_text() == "登录"


@pytest.mark.django_db(transaction=True)
def test_a_citizen_changes_their_password_with_the_keyboard(page, tmp_path):
    """From My account, by keyboard: a first try with the new passwords differing is
    answered by a summary that takes the focus and leads to the field; the second try
    changes the password and returns to My account with the news."""
    citizen = make_user(username="citizen.rotating")
    log_in(page, citizen.username)
    with page.expect_navigation():
        page.get_by_role("link", name="修改密码").press("Enter")
    assert page.locator("h1").inner_text() == "修改密码"
    assert axe_violations(page, "main") == []
    new = "Suzhou-creek-at-noon-2026"
    page.locator("#id_current_password").fill(PASSWORD)
    page.locator("#id_new_password").fill(new)
    page.locator("#id_new_password_again").fill(new + "!")
    with page.expect_navigation():
        page.locator("#id_new_password_again").press("Enter")
    assert focus_lands_on(page, ".error-summary")
    with page.expect_navigation():
        page.locator(".error-summary a").press("Enter")
    assert "#id_new_password_again" in page.url
    page.screenshot(path=str(tmp_path / "password-error.png"))
    for field in ("#id_current_password", "#id_new_password"):
        page.locator(field).fill(PASSWORD if field.endswith("current_password") else new)
    page.locator("#id_new_password_again").fill(new)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="修改密码").press("Enter")
    assert page.locator("h1").inner_text() == "个人中心"
    assert "您的密码已更改" in page.locator("main").inner_text()
    citizen.refresh_from_db()
    assert citizen.check_password(new)


@pytest.mark.django_db(transaction=True)
def test_a_forgotten_password_is_set_again_from_the_emailed_link(page, live_server):
    """From the login page by keyboard to the emailed link, and a new password set there."""
    make_user(username="citizen.forgetful", email="forgetful@example.invalid")
    page.goto("/login/")
    with page.expect_navigation():
        page.get_by_role("link", name="忘记密码？").press("Enter")
    assert page.locator("h1").inner_text() == "忘记密码"
    assert axe_violations(page, "main") == []
    page.locator("#id_login").fill("forgetful@example.invalid")
    with page.expect_navigation():
        page.locator("#id_login").press("Enter")
    assert page.locator("h1").inner_text() == "请查收邮件"
    [message] = mail.outbox
    link = re.search(r"https?://\S+/password/reset/\S+/", message.body)
    assert link and link.group(0).startswith(live_server.url)
    page.goto(link.group(0))
    assert page.locator("h1").inner_text() == "设置新密码"
    assert "/set-password/" in page.url  # the token left the address
    new = "Yuyuan-garden-lanterns-2026"
    page.locator("#id_new_password").fill(new)
    page.locator("#id_new_password_again").fill(new)
    with page.expect_navigation():
        page.locator("#id_new_password_again").press("Enter")
    assert page.locator("h1").inner_text() == "登录"
    assert "新密码已设置" in page.locator("main").inner_text()
    page.locator("#id_username").fill("citizen.forgetful")
    page.locator("#id_password").fill(new)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert page.locator("h1").inner_text() == "个人中心"
