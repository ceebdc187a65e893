"""A page sent back with errors says so first in its title (``ErrorTitleMiddleware``),
in the page's language; other pages and the API are left as they are."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def title(client: Client, response_content: bytes) -> str:
    [found] = re.findall(r"<title>(.*?)</title>", response_content.decode(), re.S)
    return " ".join(found.split())


@pytest.mark.parametrize(("language", "prefix"), [("en", "Error: "), ("zh-hans", "错误：")])
def test_a_page_with_form_errors_starts_its_title_with_error(language, prefix):
    client = Client()
    client.cookies["django_language"] = language
    sent_back = client.post("/register/", {"username": ""})
    assert sent_back.status_code == 422
    first = client.get("/register/")
    assert title(client, sent_back.content) == prefix + title(client, first.content)
    assert not title(client, first.content).startswith(prefix)


def test_a_refused_login_starts_its_title_with_error_too():
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    refused = client.post("/login/", {"username": "nobody", "password": "wrong"})
    assert refused.status_code == 401
    assert title(client, refused.content) == "错误：" + title(client, client.get("/login/").content)


def test_the_api_is_left_alone():
    response = Client().post(
        "/api/v1/auth/token", {"username": "", "password": ""}, content_type="application/json"
    )
    assert response["Content-Type"].startswith("application/json")
    assert b"<title>" not in response.content
