"""Answers with personal data are not kept by the browser (core/cache_headers.py)."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from onewindow.conftest import PASSWORD
from onewindow.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


def cached_by_choice(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("a page that may be kept")
    response["Cache-Control"] = "public, max-age=60"
    return response


urlpatterns = [*project_urlpatterns, path("test-only/cached/", cached_by_choice)]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("address", ["/account/", "/services/", "/"])
def test_a_signed_in_users_pages_are_not_stored(citizen, address):
    # Back after logout, on a shared terminal, would show them to the next person: the
    # account page, and any page, the public catalogue too, once someone is signed in.
    response = signed_in(citizen).get(address)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_after_logout_the_pages_are_public_again(citizen):
    client = signed_in(citizen)
    client.post("/logout/")
    assert not client.get("/services/").has_header("Cache-Control")


def test_api_answers_are_not_stored(client, citizen):
    token = client.post(
        "/api/v1/auth/token",
        {"username": citizen.username, "password": PASSWORD, "otp": ""},
        content_type="application/json",
    )
    assert token.status_code == 200 and token["Cache-Control"] == PRIVATE  # the token itself
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['token']}"}
    me = Client().get("/api/v1/me", **bearer)
    assert me.status_code == 200 and me.json()["username"] == citizen.username
    assert me["Cache-Control"] == PRIVATE
    # Without a token too (every answer under /api/), and without opening a session
    # the API does not use: no "Vary: Cookie" appears.
    refused = Client().get("/api/v1/me")
    assert refused.status_code == 401 and refused["Cache-Control"] == PRIVATE
    schema = Client().get("/api/v1/openapi.json")
    assert schema["Cache-Control"] == PRIVATE
    assert "Cookie" not in schema.get("Vary", "")


@pytest.mark.parametrize("address", ["/", "/services/", "/services/search/?q=出生", "/healthz"])
def test_anonymous_public_pages_keep_their_headers(address):
    response = Client().get(address)
    assert response.status_code == 200
    assert not response.has_header("Cache-Control")


@pytest.mark.urls("onewindow.core.tests.test_cache_headers")
def test_a_views_own_cache_control_is_kept(citizen):
    response = signed_in(citizen).get("/test-only/cached/")
    assert response["Cache-Control"] == "public, max-age=60"
