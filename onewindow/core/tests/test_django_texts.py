"""Django admin's texts that its own Chinese catalogue lacks, translated by ours."""

import pytest
from django.utils import translation

from onewindow.conftest import holder_logged_in
from onewindow.core.django_texts import DJANGO_ADMIN_TEXTS
from onewindow.identity.models import Department
from onewindow.identity.roles import Role


@pytest.mark.parametrize("text", DJANGO_ADMIN_TEXTS)
def test_the_admins_column_headers_are_chinese_on_chinese_pages(text):
    with translation.override("zh-hans"):
        shown = translation.gettext(text)
    assert shown != text and not shown.isascii()


@pytest.mark.django_db
def test_the_admins_app_list_shows_them_in_chinese():
    root = Department.objects.create(code="310000", name="上海市")
    client, user = holder_logged_in(Role.PLATFORM_ADMIN, root, staff=True)
    user.preferred_language = "zh-hans"
    user.save(update_fields=["preferred_language"])
    page = client.get("/django-admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200
    assert "模型名称" in html and "Model name" not in html
