"""Application pages are titled by the service they apply for, in a pattern Chinese
can punctuate (a full-width colon)."""

from __future__ import annotations

import re

import pytest

from onewindow.cases.tests.test_views import APPLY, logged_in, people

pytestmark = pytest.mark.single_pass
__all__ = ["people"]  # the fixture, shared with the page tests


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return " ".join(found.group(1).split())


def test_an_application_page_is_titled_by_its_service(people):
    english = logged_in(people["applicant"])
    assert _title(english.get(APPLY).content.decode()).startswith(
        "Apply online: Issue of an ordinary passport"
    )
    assert _title(english.get("/cases/events/newborn/apply/").content.decode()).startswith(
        "Apply online: Having a baby"
    )
    chinese = logged_in(people["applicant"])
    chinese.cookies["django_language"] = "zh-hans"
    assert _title(chinese.get(APPLY).content.decode()).startswith("在线办理：普通护照签发")
