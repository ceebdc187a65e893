"""The forms' back office for keyboard and screen reader users, in both languages: its
tables scroll sideways in regions the keyboard reaches, and a version's page is titled
by the form's title as its heading is."""

from __future__ import annotations

import re

import pytest

from onewindow.core.testing import table_regions
from onewindow.forms.tests.test_backoffice_views import (
    LIST,
    UPLOAD,
    a_file,
    admin_of,
    form_url,
    passport,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def title_of(html: bytes) -> str:
    found = re.search(r"<title>(.*?)</title>", html.decode(), re.S)
    assert found
    return " ".join(found.group(1).split())


@pytest.mark.parametrize(
    ("language", "names"),
    [("en", ["Materials to upload", "Versions"]), ("zh-hans", ["需上传的材料", "版本"])],
)
def test_the_tables_scroll_in_regions_named_by_their_captions(city, language, names):
    client, _admin = admin_of(city)
    upload(client, passport())
    client.cookies["django_language"] = language
    assert table_regions(client.get(form_url("passport")).content) == names
    assert len(table_regions(client.get(LIST).content)) == 1
    refused = client.post(UPLOAD, {"definition": a_file({**passport(), "key": "Bad Key"})})
    assert refused.status_code == 422 and len(table_regions(refused.content)) == 1


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Issue of an ordinary passport (passport) · Version 1 · OneWindow"),
        ("zh-hans", "普通护照签发（passport） · 第 1 版 · 一网通办"),
    ],
)
def test_a_version_is_titled_by_the_forms_title_and_key(city, chinese, language, title):
    client, _admin = admin_of(city)
    upload(client, passport())
    client.cookies["django_language"] = language
    assert title_of(client.get(form_url("passport")).content) == title
    # Answers the preview refuses: the page says so first, as every page with errors does.
    checked = client.post(form_url("passport"), {"applicant_id_number": "110105194912310021"})
    assert checked.status_code == 422
    assert title_of(checked.content) == ("Error: " if language == "en" else "错误：") + title
