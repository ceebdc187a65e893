"""Control characters in what the API reads (``onewindow.api.JsonParser``, with
``core.text_input``): a JSON body's strings at any depth, a multipart form's fields and
a query string's parameters are refused, 422 in the API's error shape with each field
at fault named, before any endpoint stores or looks them up. A NUL reached the database
through ``POST /forms`` and ``POST /processes`` (SQLite stored it; PostgreSQL answered
500, a DataError)."""

from __future__ import annotations

import copy

import pytest
from django.db import connection

from onewindow.forms.models import FormDefinition
from onewindow.forms.tests.test_api import DEFINITION, headers, publish
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process
from onewindow.workflow.tests.test_api import URL as PROCESSES
from onewindow.workflow.tests.test_api import bpmn_file

pytestmark = pytest.mark.single_pass

REFUSED_NUL = (
    "Remove the control character U+0000: text may hold no control character other than "
    "tab and line breaks."
)


def test_a_nul_in_a_json_body_is_refused_at_its_field(client, city):
    _admin, signed_in = headers(client, city)
    response = publish(client, signed_in, {**DEFINITION, "title": "护照\u0000"})
    assert response.status_code == 422, response.content
    assert response.json() == {
        "code": "invalid",
        "message": REFUSED_NUL,
        "fields": {"title": [REFUSED_NUL]},
    }
    assert not FormDefinition.objects.exists()


def test_control_characters_deep_in_a_body_and_in_its_keys_are_named_each(client, city):
    _admin, signed_in = headers(client, city)
    definition = copy.deepcopy(DEFINITION)
    field = next(iter(definition["schema"]["properties"]))
    definition["schema"]["properties"][field]["title"] = "姓名\x01"
    definition["layout"]["bad\x1fkey"] = []
    response = publish(client, signed_in, definition)
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {
        f"schema.properties.{field}.title",
        "layout.bad\\u001fkey",
    }
    assert "U+0001" in response.json()["fields"][f"schema.properties.{field}.title"][0]
    assert not FormDefinition.objects.exists()


def test_tab_and_line_breaks_are_text(client, city):
    _admin, signed_in = headers(client, city)
    response = publish(client, signed_in, {**DEFINITION, "title_en": "Birth\tmedical\r\n"})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("name", ["名\x00", "名\x07"])
def test_a_control_character_in_a_multipart_field_is_refused(client, city, name):
    """Refused as the form is read, before the upload's checks and permission."""
    _admin, signed_in = headers(client, city)
    body = {
        "key": "permit",
        "name": name,
        "bpmn": bpmn_file(read_process("single_department.bpmn")),
    }
    response = client.post(PROCESSES, body, **signed_in)
    assert response.status_code == 422, response.content
    assert list(response.json()["fields"]) == ["name"]
    assert not ProcessDefinition.objects.exists()


def test_a_control_character_in_a_query_parameter_is_refused(client, db):
    response = client.get(
        "/api/v1/catalog/items", {"department": "310000-GA\x00"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == {"department": [REFUSED_NUL]}


def test_the_refusal_is_in_the_callers_language(client, db):
    response = client.get(
        "/api/v1/catalog/search", {"q": "护照\x00"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 422
    assert "U+0000" in response.json()["fields"]["q"][0]


def test_an_unauthenticated_request_is_told_so_first(client, db):
    response = client.post("/api/v1/forms", {"title": "护照\x00"}, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.every_database  # its module runs on SQLite only, where it skips
def test_on_postgresql_a_nul_is_a_422_not_a_500(client, city):
    """PostgreSQL refuses a NUL in any text (a DataError): it must never get one."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL refuses NUL in text; SQLite stores it")
    _admin, signed_in = headers(client, city)
    assert publish(client, signed_in, {**DEFINITION, "title": "护照\u0000"}).status_code == 422
    body = {
        "key": "permit",
        "name": "名\x00",
        "bpmn": bpmn_file(read_process("single_department.bpmn")),
    }
    assert client.post(PROCESSES, body, **signed_in).status_code == 422
    found = client.get("/api/v1/catalog/items", {"department": "GA\x00"})
    assert found.status_code == 422
    assert client.get("/api/v1/catalog/items/310000-GA%00").status_code == 422


def test_a_control_character_in_a_path_parameter_is_refused(client, db):
    response = client.get("/api/v1/catalog/items/310000-GA%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == {"code": [REFUSED_NUL]}
