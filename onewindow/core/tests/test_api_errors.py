"""Every error of the API is ``{code, message, fields}`` in the caller's language: those
of its handlers (``onewindow/api.py``) and those answered around an endpoint
(``core/api_errors.py``)."""

import json

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import translation

from onewindow.api import PYDANTIC_MESSAGES
from onewindow.conftest import PASSWORD

pytestmark = pytest.mark.django_db

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
    assert response["Allow"] == "GET"
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


def test_an_empty_answer_has_no_body_type(client, citizen):
    response = client.delete(TOKEN, **bearer(client, citizen))
    assert response.status_code == 204 and response.content == b""
    assert not response.has_header("Content-Type")
    assert not response.has_header("Content-Length")


# --- authentication ------------------------------------------------------------------------


def test_401_names_the_bearer_scheme(client, citizen):
    missing = client.get("/api/v1/me")
    error(missing, 401, "not_authenticated")
    assert missing["WWW-Authenticate"] == "Bearer"
    refused = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ow_not-a-token")
    error(refused, 401, "not_authenticated")
    assert refused["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    wrong = client.post(
        TOKEN,
        {"username": citizen.username, "password": "not-the-password"},
        content_type="application/json",
    )
    error(wrong, 401, "bad_credentials")
    assert wrong["WWW-Authenticate"] == "Bearer"


# --- field names and messages of 422 ------------------------------------------------------


def test_field_names_carry_no_location(client, citizen):
    headers = {**bearer(client, citizen), "HTTP_ACCEPT_LANGUAGE": "en"}
    # path
    body = error(client.post("/api/v1/tasks/abc/claim", **headers), 422, "invalid")
    assert list(body["fields"]) == ["task_id"]
    # form and file
    body = error(client.post("/api/v1/cases/attachments", {}, **headers), 422, "invalid")
    assert sorted(body["fields"]) == ["file", "service", "slot"]
    # query
    body = error(client.get("/api/v1/cases?limit=0&offset=-1", **headers), 422, "invalid")
    assert sorted(body["fields"]) == ["limit", "offset"]
    # body: nested fields by their path in the body, without the endpoint's parameter name
    response = client.post(
        "/api/v1/tasks/1/supplement",
        {"items": [{"slot": "photo"}], "note": 5},
        content_type="application/json",
        **headers,
    )
    body = error(response, 422, "invalid")
    assert sorted(body["fields"]) == ["items.0.reason", "note"]
    # an answer of the wrong kind inside the body
    response = client.post(
        "/api/v1/cases", {"service": "x", "data": 5}, content_type="application/json", **headers
    )
    assert error(response, 422, "invalid")["fields"] == {"data": ["Enter a JSON object."]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_list_limits_in_the_callers_language(client, citizen, language):
    headers = {**bearer(client, citizen), "HTTP_ACCEPT_LANGUAGE": language}
    url = "/api/v1/tasks/1/supplement"
    empty = client.post(url, {"items": []}, content_type="application/json", **headers)
    assert error(empty, 422, "invalid")["fields"] == {
        "items": [text(PYDANTIC_MESSAGES["too_short"], language, limit=1)]
    }
    item = {"material": "户口簿", "reason": "缺少"}
    many = client.post(url, {"items": [item] * 21}, content_type="application/json", **headers)
    assert error(many, 422, "invalid")["fields"] == {
        "items": [text(PYDANTIC_MESSAGES["too_long"], language, limit=20)]
    }
    if language == "en":
        assert empty.json()["fields"]["items"] == ["Give at least 1 item."]
        assert many.json()["fields"]["items"] == ["Give at most 20 items."]


@pytest.mark.parametrize(
    ("body", "field", "kind", "context"),
    [
        ({"days": 0, "reason": "r"}, "days", "greater_than_equal", {"ge": 1}),
        ({"days": 61, "reason": "r"}, "days", "less_than_equal", {"le": 60}),
        ({"days": 1.5, "reason": "r"}, "days", "int_from_float", {}),
        ({"days": "many", "reason": "r"}, "days", "int_parsing", {}),
        ({"days": 1, "reason": ""}, "reason", "string_too_short", {"limit": 1}),
        ({"days": 1, "reason": "r" * 2001}, "reason", "string_too_long", {"limit": 2000}),
        ({"days": 1, "reason": 7}, "reason", "string_type", {}),
        ({"days": 1}, "reason", "missing", {}),
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_pydantic_kinds_in_the_callers_language(
    client, citizen, body, field, kind, context, language
):
    headers = {**bearer(client, citizen), "HTTP_ACCEPT_LANGUAGE": language}
    response = client.post(
        "/api/v1/tasks/1/extension", body, content_type="application/json", **headers
    )
    answer = error(response, 422, "invalid")
    assert answer["fields"] == {field: [text(PYDANTIC_MESSAGES[kind], language, **context)]}
    assert answer["message"] == text(
        translation.gettext_lazy("Some fields are missing or invalid."), language
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_value_outside_an_enum_names_the_values(client, citizen, language):
    headers = {**bearer(client, citizen), "HTTP_ACCEPT_LANGUAGE": language}
    body = {"approve": "perhaps"}
    response = client.post(
        "/api/v1/extensions/1/decide", body, content_type="application/json", **headers
    )
    assert error(response, 422, "invalid")["fields"] == {
        "approve": [text(PYDANTIC_MESSAGES["bool_parsing"], language)]
    }
    response = client.get("/api/v1/tasks?status=bogus", **headers)
    expected = "submitted, in_progress, supplement, not_accepted, approved, rejected, completed"
    assert error(response, 422, "invalid")["fields"] == {
        "status": [text(PYDANTIC_MESSAGES["enum"], language, expected=expected)]
    }
    if language == "zh-hans":
        assert response.json()["message"] == "部分字段缺失或无效。"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"username": "a", "password": NaN}', "NaN, Infinity and -Infinity are not JSON numbers."),
        ('{"username": "a", "password": Infinity}', "NaN, Infinity and -Infinity are not"),
        ('{"username": "\\ud800", "password": "x"}', "lone surrogate"),
    ],
)
def test_what_pythons_reader_takes_beyond_json_is_refused_as_json(client, body, message):
    """A NaN passed a form's bounds and failed the database's JSON check; a lone surrogate
    failed writing as UTF-8 (each a 500), here before any lookup (core.strict_json)."""
    response = client.post(TOKEN, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert message in error(response, 400, "invalid_json")["message"]


def test_a_body_in_another_charset_than_utf8_is_refused(client):
    """It was read as UTF-8 all the same: garbled, never what the client meant."""
    body = json.dumps({"username": "王", "password": "x"})  # the client encodes it in UTF-16
    response = client.post(
        TOKEN, body, content_type="application/json; charset=utf-16", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert error(response, 415, "unsupported_media_type")["message"] == (
        "Send the request body as JSON in UTF-8 (Content-Type: application/json)."
    )
    fine = client.post(
        TOKEN, {"username": "a", "password": "b"}, content_type="application/json; charset=UTF-8"
    )
    assert fine.status_code == 401  # read, and refused as a login
