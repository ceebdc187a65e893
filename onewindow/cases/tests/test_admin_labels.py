"""The waiting cases' list in Django's admin titles its columns and its filter in the
interface's language: the catalogue's words for them, translated yet or not."""

from __future__ import annotations

import pytest
from django.utils.text import capfirst
from django.utils.translation import override

from onewindow.cases.models import QueuedCase
from onewindow.cases.tests.conftest import PASSPORT, submit
from onewindow.conftest import holder_logged_in
from onewindow.identity.models import Department
from onewindow.identity.roles import Role

QUEUED = "/django-admin/cases/queuedcase/"
COLUMNS = ("number", "service_name", "department", "start_failures", "start_retry_at")


@pytest.fixture
def operator(world):
    client, _user = holder_logged_in(
        Role.PLATFORM_ADMIN, Department.objects.get(code="310000"), staff=True
    )
    return client


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_columns_and_filter_are_in_the_interface_language(world, queued, operator, language):
    submit(world["citizen.wang"], PASSPORT)
    operator.cookies["django_language"] = language
    page = operator.get(QUEUED).content.decode()
    fields = QueuedCase._meta
    with override(language):
        department = str(fields.get_field("department").verbose_name)
        columns = [str(capfirst(fields.get_field(name).verbose_name)) for name in COLUMNS]
        title = str(capfirst(fields.verbose_name_plural))
    assert f'data-filter-title="{department}"' in page
    for column in columns:
        assert f">{column}</" in page
    assert title in page


def test_in_english(world, queued, operator):
    submit(world["citizen.wang"], PASSPORT)
    operator.cookies["django_language"] = "en"
    page = operator.get(QUEUED).content.decode()
    assert "By department" in page
    for column in ("Case number", "Service name", "Failed starts", "Next start attempt"):
        assert f">{column}</" in page
    assert "Cases waiting for their process" in page
