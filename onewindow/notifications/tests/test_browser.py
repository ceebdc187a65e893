"""The notification list in a real Chromium, in Chinese: the header's count, reading
the list by its headings, marking read with the keyboard."""

from __future__ import annotations

import pytest

from onewindow.conftest import PASSWORD
from onewindow.notifications.tests.conftest import make_recipient, notify

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True)
def test_read_a_notification_and_mark_it_read(page):
    user = make_recipient()
    notify(user, "supplement_requested", link="/cases/310000-GA-20261122-0001/")
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")

    link = page.get_by_role("navigation", name="主导航").get_by_role("link", name="通知 1 条未读")
    with page.expect_navigation():
        link.click()
    assert page.get_by_role("heading", level=1).inner_text() == "通知"
    heading = page.get_by_role("heading", level=2)
    assert heading.inner_text() == "未读 您的办件 310000-GA-20261122-0001 需要补正材料"
    article = page.get_by_role("article", name="未读 您的办件 310000-GA-20261122-0001 需要补正材料")
    assert "身份证：照片不清晰" in article.inner_text()
    assert article.get_by_role("link", name="查看办件 310000-GA-20261122-0001").is_visible()

    button = article.get_by_role("button", name="标为已读")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".nav-count").count() == 0
    assert (
        page.get_by_role("heading", level=2).inner_text()
        == "您的办件 310000-GA-20261122-0001 需要补正材料"
    )
    assert page.get_by_text("标为已读").count() == 0
