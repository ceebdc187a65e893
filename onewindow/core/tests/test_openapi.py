"""The API's description (``/api/v1/openapi.json``, ``core/openapi.py``) and its docs page."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

from onewindow.cases.choices import DEADLINES, CaseStatus
from onewindow.workflow.choices import Outcome, TaskStatus

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture
def schema(client):
    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    return document


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_the_apis_address_leads_to_its_documentation(client):
    response = client.get("/api/v1/")
    assert (response.status_code, response["Location"]) == (302, "/api/v1/docs")


def test_the_docs_page_loads_nothing_from_elsewhere(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html and "django-ninja.dev" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        # Served by us: our static files, which collectstatic gathers and whitenoise serves.
        assert asset.startswith("/static/ninja/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert {"/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui.css"} <= set(assets)
    assert "/static/ninja/favicon.svg" in assets
    settings = json.loads(html.split('id="swagger-settings">', 1)[1].split("</script>", 1)[0])
    assert settings["url"] == "/api/v1/openapi.json"  # what it describes
    assert settings["validatorUrl"] is None  # no badge asking validator.swagger.io


def test_operation_ids_are_short_unique_and_each_operation_is_described(schema):
    ids = [operation["operationId"] for _, operation in operations(schema)]
    assert len(ids) == len(set(ids))
    for name, operation in operations(schema):
        assert re.fullmatch(r"[a-z]+(_[a-z]+){1,3}", operation["operationId"]), name
        assert operation["summary"].strip(), name
        assert operation.get("description", "").strip(), name
    assert schema["paths"]["/api/v1/cases"]["post"]["operationId"] == "cases_submit"
    complete = schema["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]
    assert complete["operationId"] == "tasks_complete"


def test_every_error_answer_is_described_with_the_error_schema(schema):
    for name, operation in operations(schema):
        responses = operation["responses"]
        statuses = {int(status) for status in responses}
        for status, answer in responses.items():
            if int(status) >= 400:
                assert answer["content"] == {"application/json": {"schema": ERROR_REF}}, name
                assert answer["description"] != "Unknown Status Code", name
        if operation.get("security"):
            assert 401 in statuses, name
            assert "WWW-Authenticate" in responses["401"]["headers"]
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert 404 in statuses, name
        content = operation.get("requestBody", {}).get("content", {})
        if content:
            assert {400, 411, 413, 415, 422} <= statuses, name
    assert "ErrorOut" in schema["components"]["schemas"]


def test_errors_follow_what_each_operation_can_answer(schema):
    paths = schema["paths"]

    def statuses(path: str, method: str) -> list[int]:
        return sorted(int(s) for s in paths[path][method]["responses"])

    # Public, no parameters: nothing but success.
    assert statuses("/api/v1/catalog/topics", "get") == [200]
    # Free text is refused with a control character in it, in the path too (API QA:
    # schemathesis found 422s the schema did not list).
    assert statuses("/api/v1/catalog/life-events", "get") == [200, 422]  # ?audience=
    assert statuses("/api/v1/catalog/items", "get") == [200, 422]  # ?level= is a number
    assert statuses("/api/v1/cases/{number}", "get") == [200, 401, 404, 422]
    assert statuses("/api/v1/me", "get") == [200, 401]
    # What the services refuse, declared by the endpoints.
    assert statuses("/api/v1/tasks/{task_id}/complete", "post") == [
        200,
        400,
        401,
        403,
        404,
        409,
        411,
        413,
        415,
        422,
    ]
    token = paths["/api/v1/auth/token"]["post"]["responses"]
    assert {"401", "403", "429"} <= set(token)
    assert token["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    # A multipart upload sent as JSON is refused for its media type too.
    assert 415 in statuses("/api/v1/cases/attachments", "post")


def test_closed_vocabularies_are_enums(schema):
    components = schema["components"]["schemas"]
    decision = components["DecisionIn"]
    assert decision["required"] == ["outcome"]
    assert decision["properties"]["outcome"]["$ref"] == "#/components/schemas/Outcome"
    assert components["Outcome"]["enum"] == list(Outcome.values)
    assert components["Outcome"]["enum"] == [
        "accept",
        "not_accepted",
        "approve",
        "reject",
        "complete",
    ]
    assert components["TaskOut"]["properties"]["status"] == {
        "$ref": "#/components/schemas/TaskStatus"
    }
    assert components["TaskStatus"]["enum"] == list(TaskStatus.values)
    assert components["CaseSummaryOut"]["properties"]["status"] == {
        "$ref": "#/components/schemas/CaseStatus"
    }
    assert components["CaseStatus"]["enum"] == list(CaseStatus.values)
    inbox = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/tasks"]["get"]["parameters"]}
    assert {"$ref": "#/components/schemas/CaseStatus"} in inbox["status"]["anyOf"]
    assert {"enum": list(DEADLINES), "type": "string"} in inbox["deadline"]["anyOf"]


def test_the_idempotency_key_is_documented(schema):
    parameters = schema["paths"]["/api/v1/cases"]["post"]["parameters"]
    (key,) = [p for p in parameters if p["name"] == "Idempotency-Key"]
    assert key["in"] == "header" and key["required"] is False
    assert "200 with the case the first request filed" in key["description"]
    assert "idempotency_key_reused" in key["description"]
