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


# --- a page's 405 (MethodNotAllowedPageMiddleware) -------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "This address is for a button"), ("zh-hans", "此地址供页面上的按钮使用")],
)
def test_an_actions_address_opened_says_what_it_is_for(citizen, language, heading):
    client = Client()
    client.force_login(citizen)
    client.cookies["django_language"] = language
    response = client.get("/notifications/read-all/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert f"<h1>{heading}</h1>" in response.content.decode()
    assert int(response["Content-Length"]) == len(response.content)


def test_the_apis_405_keeps_its_own_shape():
    response = Client().get("/api/v1/auth/token")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
