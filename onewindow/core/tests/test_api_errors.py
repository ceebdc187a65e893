"""Every error of the API is ``{code, message, fields}`` in the caller's language: those
of its handlers (``onewindow/api.py``) and those answered around an endpoint
(``core/api_errors.py``)."""

import json
import logging

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import translation

from onewindow.api import PYDANTIC_MESSAGES
from onewindow.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]

JSON = "application/json; charset=utf-8"
TOKEN = "/api/v1/auth/token"
LANGUAGES = ("en", "zh-hans")


def text(message, language: str, **context) -> str:
    """A lazy message as a caller of that language reads it."""
    with translation.override(language):
        return str(message % context) if context else str(message)


def bearer(client, user) -> dict[str, str]:
    body = {"username": user.username, "password": PASSWORD}
    token = client.post(TOKEN, body, content_type="application/json").json()["token"]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def error(response, status: int, code: str) -> dict:
    """The answer's body, after checking it is the error shape with that status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == JSON
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["code"] == code
    return body


# --- bodies the API cannot read ----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_body_that_is_not_json(client, language):
    response = client.post(
        TOKEN, "{username: x", content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    body = error(response, 400, "invalid_json")
    assert body["message"] == text(PYDANTIC_MESSAGES["json_invalid"], language)
    assert body["fields"] == {}
    if language == "zh-hans":
        assert body["message"] == "请求正文不是有效的 JSON。"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_body_nested_too_deeply(client, language):
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(
        TOKEN, deep, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    body = error(response, 400, "invalid_json")
    with translation.override(language):
        assert body["message"] == translation.gettext("The request body is nested too deeply.")


@pytest.mark.parametrize("body", ["[1]", "5", '"text"', "null", ""])
def test_a_json_body_that_is_not_an_object_says_so(client, body):
    # Read for its fields, a list answered "field required"; an empty one passed as {};
    # no body at all was a field named "__all__", which the client never sent.
    response = client.post(TOKEN, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    answer = error(response, 422, "not_an_object")
    assert answer["message"] == "Send the request body as a JSON object."
    chinese = client.post(
        TOKEN, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert chinese.json()["message"] == "请以 JSON 对象的形式发送请求正文。"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_body_over_the_upload_limit_is_413(client, settings, language):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = json.dumps({"username": "x" * 2000, "password": "y"})
    response = client.post(
        TOKEN, big, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    body = error(response, 413, "too_large")
    with translation.override(language):
        expected = translation.gettext("The request is too large: send at most %(limit)s.")
        assert body["message"] == expected % {"limit": filesizeformat(1000)}
    if language == "en":
        assert body["message"] == "The request is too large: send at most 1000\xa0bytes."


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_body_sent_as_another_type_is_415(client, language):
    sent = json.dumps({"username": "someone", "password": PASSWORD})
    for media_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = client.post(TOKEN, sent, content_type=media_type, HTTP_ACCEPT_LANGUAGE=language)
        body = error(response, 415, "unsupported_media_type")
        with translation.override(language):
            assert body["message"] == translation.gettext(
                "Send the request body as JSON in UTF-8 (Content-Type: application/json)."
            )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_body_sent_in_chunks_is_411_not_missing_fields(client, language):
    # The HTTP server passes a chunked body on without a length, and Django reads none
    # of it: the fields sent were answered as missing.
    sent = json.dumps({"username": "someone", "password": PASSWORD})
    response = client.post(
        TOKEN,
        sent,
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    body = error(response, 411, "length_required")
    with translation.override(language):
        assert body["message"] == translation.gettext(
            "Send the request body with a Content-Length header: a body sent in chunks is not read."
        )
    if language == "zh-hans":
        assert body["message"] == "请在请求中附上 Content-Length 头：分块发送的正文不会被读取。"
    # A request whose body nothing reads is not held to it.
    topics = client.get(
        "/api/v1/catalog/topics", CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert topics.status_code == 200
    # With its length given, the same body is read (a proxy may send both).
    read = client.post(
        TOKEN, sent, content_type="application/json", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert read.status_code != 411


def test_json_media_types_and_none_are_read(client, citizen):
    body = json.dumps({"username": citizen.username, "password": PASSWORD})
    for media_type in (
        "application/json",
        "application/json; charset=utf-8",
        "application/merge-patch+json",
    ):
        assert client.post(TOKEN, body, content_type=media_type).status_code == 200
    # No Content-Type at all: read as JSON, as ninja always has.
    response = client.generic("POST", TOKEN, body, content_type="")
    assert response.status_code == 200


# --- answers around the endpoints ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_method_the_address_does_not_take_is_405_with_allow(client, citizen, language):
    response = client.put("/api/v1/me", **bearer(client, citizen), HTTP_ACCEPT_LANGUAGE=language)
    body = error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD"
    assert int(response["Content-Length"]) == len(response.content)
    with translation.override(language):
        assert body["message"] == translation.gettext(
            "This address does not take this method; the Allow header lists those it takes."
        )
    # Without a token too: routing answers before authentication.
    assert client.patch("/api/v1/auth/token").status_code == 405


@pytest.mark.urls("onewindow.core.tests.urls")
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failure_under_the_api_is_a_json_500(settings, language):
    settings.DEBUG = False
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    body = error(client.get("/api/test-only/fails/"), 500, "server_error")
    with translation.override(language):
        expected = translation.gettext("Something went wrong on our side. Try again later.")
    assert body == {"code": "server_error", "message": expected, "fields": {}}
    # Elsewhere the site's page, unchanged.
    page = client.get("/test-only/fails/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


@pytest.mark.urls("onewindow.core.tests.urls")
def test_a_failure_is_logged_with_its_traceback_without_debug(settings, caplog):
    """Django logs it to the console only with DEBUG (and else mails ADMINS): a 500's
    cause reached no log an operator reads. It goes to the console handler, traceback
    and all, whatever DEBUG says."""
    settings.DEBUG = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        Client(raise_request_exception=False).get("/api/test-only/fails/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /api/test-only/fails/"
    assert record.exc_info is not None
    logger = logging.getLogger("django.request")
    assert not logger.propagate
    # The console's, not Django's (filtered to DEBUG only); pytest adds its own too.
    consoles = [h for h in logger.handlers if type(h) is logging.StreamHandler]
    assert consoles and not any(h.filters for h in consoles)
