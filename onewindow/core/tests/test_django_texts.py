"""Django's texts that its own Chinese catalogue lacks or garbles, translated by ours."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from onewindow.conftest import holder_logged_in
from onewindow.core.django_texts import DJANGO_TEXTS
from onewindow.identity.models import Department
from onewindow.identity.roles import Role


@pytest.mark.parametrize("text", DJANGO_TEXTS)
def test_djangos_texts_are_chinese_on_chinese_pages(text):
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


def test_a_nul_typed_into_a_django_form_is_refused_in_plain_chinese():
    """As in the admin's forms; the site's own say which character (``SiteForm``)."""
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        forms.CharField().clean("王\x00明")
    assert refused.value.messages == ["不能包含空字符（U+0000）。"]
