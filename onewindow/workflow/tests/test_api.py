"""Uploading a process through the API (workflow/api.py): a BPMN file as a modeler saved
it, with the DMN files it calls, becomes the next version of its key for an admin of
every department its lanes name; a refused file answers 422 naming the element."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_user, otp_for
from onewindow.identity.roles import Role
from onewindow.identity.tests.test_api import bearer, token_for
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import (
    UNKNOWN_LANE,
    expression_and_unknown_lane,
    read_malicious,
    read_process,
)

pytestmark = pytest.mark.single_pass

URL = "/api/v1/processes"


def as_admin(client, city, role=Role.DEPARTMENT_ADMIN, where="GA"):
    admin = make_user(roles=[(role, city[where])], with_totp=True, language="en")
    return admin, {**bearer(token_for(client, admin, otp_for(admin))), "HTTP_ACCEPT_LANGUAGE": "en"}


def bpmn_file(text: str, name: str = "permit.bpmn") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/xml")


def test_a_department_admin_uploads_versions_of_a_process(client, city):
    admin, headers = as_admin(client, city)
    body = {
        "key": "permit",
        "name": "护照审批",
        "bpmn": bpmn_file(read_process("single_department.bpmn")),
    }
    first = client.post(URL, body, **headers)
    assert first.status_code == 201, first.content
    assert (first.json()["key"], first.json()["version"]) == ("permit", 1)
    assert first.json()["name_en"] == "Single-department approval"
    body["bpmn"] = bpmn_file(read_process("single_department.bpmn"))
    second = client.post(URL, body, **headers)
    assert second.json()["version"] == 2
    stored = ProcessDefinition.objects.get(key="permit", version=2)
    assert stored.created_by == admin and stored.bpmn_xml == read_process("single_department.bpmn")
    assert second.json()["sha256"] == stored.sha256
    uploads = AuditEvent.objects.filter(action="workflow.definition_uploaded", outcome="success")
    assert list(uploads.values_list("actor_id", flat=True)) == [admin.pk, admin.pk]


@pytest.mark.parametrize(
    ("name", "message"), [("y" * 201, "At most 200 characters."), ("  ", "This field is required.")]
)
def test_a_name_too_long_or_blank_is_refused_at_its_field(client, city, name, message):
    """Stored as written, it was a 500 on PostgreSQL past the column's 200 characters."""
    _admin, headers = as_admin(client, city)
    body = {
        "key": "permit",
        "name": name,
        "bpmn": bpmn_file(read_process("single_department.bpmn")),
    }
    response = client.post(URL, body, **headers)
    assert response.status_code == 422
    assert response.json()["fields"] == {"name": [message]}
    assert not ProcessDefinition.objects.filter(key="permit").exists()


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [
        (Role.DEPARTMENT_ADMIN, "SJ", 403),  # the new file's lanes alone are theirs
        (Role.PLATFORM_ADMIN, "root", 201),
    ],
)
def test_a_process_next_version_is_also_for_the_admins_of_its_newest_versions_lanes(
    client, city, role, where, status
):
    """An admin could upload a file of their own lanes as the next version of another
    department's process, which that department's items were then offered as newest."""
    _ga, ga_headers = as_admin(client, city)
    body = {"key": "permit", "name": "护照审批"}
    ga_file = read_process("single_department.bpmn")
    assert client.post(URL, {**body, "bpmn": bpmn_file(ga_file)}, **ga_headers).status_code == 201
    _other, headers = as_admin(client, city, role, where)
    sj_file = bpmn_file(ga_file.replace("310000-GA/", "310000-SJ/"))
    response = client.post(URL, {**body, "bpmn": sj_file}, **headers)
    assert response.status_code == status
    assert ProcessDefinition.objects.filter(key="permit").count() == (2 if status == 201 else 1)
    if status == 403:
        assert response.json()["message"] == (
            "Only an admin of every department in the lanes of version 1 of this process may "
            "upload its next version; you are not an admin of Department 310000-GA."
        )


def test_with_if_changed_identical_files_are_refused_and_changed_ones_stored(client, city):
    _admin, headers = as_admin(client, city)

    def send(text: str) -> Any:
        body = {"key": "permit", "name": "护照审批", "bpmn": bpmn_file(text), "if_changed": "true"}
        return client.post(URL, body, **headers)

    assert send(read_process("single_department.bpmn")).status_code == 201
    same = send(read_process("single_department.bpmn"))
    assert same.status_code == 409 and same.json()["code"] == "unchanged"
    assert "version 1" in same.json()["message"]
    assert ProcessDefinition.objects.filter(key="permit").count() == 1
    changed = read_process("single_department.bpmn") + "<!-- moved a shape -->\n"
    assert send(changed).json()["version"] == 2


def test_an_unsupported_element_is_refused_by_name(client, city):
    _admin, headers = as_admin(client, city)
    body = {"key": "permit", "name": "x", "bpmn": bpmn_file(read_malicious("send_task.bpmn"))}
    refused = client.post(URL, body, **headers)
    assert refused.status_code == 422
    assert refused.json()["fields"]["bpmn"] == ["Unsupported BPMN element sendTask (id Task_2)."]
    assert not ProcessDefinition.objects.exists()


def test_a_refused_expression_and_an_unknown_lane_are_refused_in_one_answer(client, city):
    """The lane was named only by a second upload, once the expression was fixed."""
    _admin, headers = as_admin(client, city)
    body = {"key": "permit", "name": "x", "bpmn": bpmn_file(expression_and_unknown_lane())}
    refused = client.post(URL, body, **headers)
    assert refused.status_code == 422
    expression, lane = refused.json()["fields"]["bpmn"]
    assert expression.startswith("The expression in sequenceFlow Flow_cond is refused")
    assert lane == UNKNOWN_LANE
    assert refused.json()["message"] == (
        "The files have 2 problems; each is listed under its file."
    )
    assert not ProcessDefinition.objects.exists()


def test_decision_tables_come_with_it_and_a_hostile_one_is_refused(client, city):
    _admin, headers = as_admin(client, city, Role.PLATFORM_ADMIN, "root")
    good = {
        "key": "routing",
        "name": "x",
        "bpmn": bpmn_file(read_process("dmn_routing.bpmn")),
        "dmn": [bpmn_file(read_process("routing.dmn"), "routing.dmn")],
    }
    accepted = client.post(URL, good, **headers)
    assert accepted.status_code == 201, accepted.content
    assert set(ProcessDefinition.objects.get(key="routing").dmn_files) == {"routing.dmn"}
    body = {
        "key": "routing",
        "name": "x",
        "bpmn": bpmn_file(read_process("dmn_routing.bpmn")),
        "dmn": [bpmn_file(read_malicious("import_output.dmn"), "routing.dmn")],
    }
    refused = client.post(URL, body, **headers)
    assert refused.status_code == 422
    assert "dmn" in refused.json()["fields"] and "bpmn" not in refused.json()["fields"]
    assert ProcessDefinition.objects.filter(key="routing").count() == 1


def test_a_file_that_is_not_utf8_text_is_refused(client, city):
    _admin, headers = as_admin(client, city)
    body = {"key": "permit", "name": "x", "bpmn": bpmn_file("").__class__("p.bpmn", b"\xff\xfe<")}
    refused = client.post(URL, body, **headers)
    assert refused.status_code == 422
    assert refused.json()["fields"]["bpmn"] == ["The file is not UTF-8 text."]


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [
        (Role.DEPARTMENT_ADMIN, "GA", 201),  # the lanes' department
        (Role.PLATFORM_ADMIN, "root", 201),
        (Role.DEPARTMENT_ADMIN, "SJ", 403),  # another department's admin
        (Role.REVIEWING_OFFICER, "GA", 403),
        (Role.WINDOW_OFFICER, "GA", 403),
    ],
)
def test_who_may_upload(client, city, role, where, status):
    _admin, headers = as_admin(client, city, role, where)
    body = {"key": "permit", "name": "x", "bpmn": bpmn_file(read_process("single_department.bpmn"))}
    assert client.post(URL, body, **headers).status_code == status


LANELESS = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" '
    'targetNamespace="x"><bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="S"/>'
    '<bpmn:endEvent id="E"/><bpmn:sequenceFlow id="F" sourceRef="S" targetRef="E"/>'
    "</bpmn:process></bpmn:definitions>"
)


@pytest.mark.parametrize("role", [Role.WINDOW_OFFICER, Role.REVIEWING_OFFICER, Role.CITIZEN])
def test_only_admins_upload_even_a_process_naming_no_lane(client, city, role, monkeypatch):
    """No lane, no department whose admin is asked for: a citizen's token uploaded one
    (security QA). Refused before the file is read, and on record."""
    from onewindow.workflow import services

    def never(*args, **kwargs):
        raise AssertionError("the file was checked before the uploader was")

    monkeypatch.setattr(services, "_checked_bundle", never)
    person = make_user(roles=[(role, None if role == Role.CITIZEN else city["GA"])], with_totp=True)
    otp = otp_for(person) if role != Role.CITIZEN else ""
    headers = {**bearer(token_for(client, person, otp)), "HTTP_ACCEPT_LANGUAGE": "en"}
    refused = client.post(URL, {"key": "mine", "name": "x", "bpmn": bpmn_file(LANELESS)}, **headers)
    assert refused.status_code == 403
    assert refused.json()["message"] == "Only department and platform admins may upload processes."
    assert not ProcessDefinition.objects.exists()
    assert AuditEvent.objects.filter(action="workflow.definition_uploaded").count() == 1


def test_without_a_token_nothing_is_uploaded(client, city):
    body = {"key": "permit", "name": "x", "bpmn": bpmn_file(read_process("single_department.bpmn"))}
    assert client.post(URL, body).status_code == 401
    assert not ProcessDefinition.objects.exists()


def test_the_schema_describes_the_upload(client, db):
    from openapi_spec_validator import validate

    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    body = schema["paths"][URL]["post"]["requestBody"]["content"]["multipart/form-data"]
    fields = body["schema"]["properties"]
    assert (
        set(fields) == {"key", "name", "bpmn", "dmn", "if_changed"}
        and fields["dmn"]["type"] == "array"
    )


def test_a_file_beyond_the_size_limit_is_refused_unread(client, city, monkeypatch):
    from onewindow.workflow import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    _admin, headers = as_admin(client, city)
    body = {"key": "permit", "name": "x", "bpmn": bpmn_file("中" * 400)}  # 1,200 bytes
    refused = client.post(URL, body, **headers)
    assert refused.status_code == 422
    assert refused.json()["fields"]["bpmn"] == ["The files are too large."]


def test_two_decision_files_of_one_name_are_refused(client, city):
    _admin, headers = as_admin(client, city, Role.PLATFORM_ADMIN, "root")
    body = {
        "key": "routing",
        "name": "x",
        "bpmn": bpmn_file(read_process("dmn_routing.bpmn")),
        "dmn": [
            bpmn_file(read_process("routing.dmn"), "routing.dmn"),
            bpmn_file(read_process("routing.dmn"), "routing.dmn"),
        ],
    }
    refused = client.post(URL, body, **headers)
    assert refused.status_code == 422
    assert refused.json()["fields"]["dmn"] == ["Two files are named routing.dmn."]
    assert not ProcessDefinition.objects.exists()


def trial_url(key: str = "routing", version: int = 1) -> str:
    return f"{URL}/{key}/versions/{version}/trial"


def test_a_version_is_tried_through_the_api_and_nothing_is_stored(client, city):
    from onewindow.workflow.models import ProcessInstance
    from onewindow.workflow.tests.conftest import upload

    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    _admin, headers = as_admin(client, city)
    body = {"data": {"amount": 90000, "applicant_age": 30}, "outcomes": {"Task_review": "approve"}}
    tried = client.post(trial_url(), body, content_type="application/json", **headers)
    assert tried.status_code == 200, tried.content
    answer = tried.json()
    assert answer["ending"] == "completed"
    assert [s["task"] for s in answer["steps"]] == [
        "Task_accept",
        "Task_review",
        "Task_second_review",
    ]
    assert "Task_second_review" in answer["completed"]
    # The end it reached, named as the page names it (the English name_en).
    assert answer["ends"] == [{"event": "EndEvent_done", "name": "Case closed"}]
    assert answer["message"] == "" and answer["stopped_at"] == ""
    stopped = client.post(trial_url(), {"data": {}}, content_type="application/json", **headers)
    assert stopped.json()["ending"] == "failed" and "amount" in stopped.json()["detail"]
    # Where it stopped, named in words as the page does; its id apart.
    assert stopped.json()["message"] == (
        "The process stopped at Decide if a second review is needed (Task_rules)."
    )
    assert stopped.json()["stopped_at"] == "Task_rules"
    assert stopped.json()["ends"] == []
    assert stopped.json()["reason"] == (
        "Rule 1 of the decision table (“amount > 50000”) reads amount, which the case data "
        "does not give."
    )
    assert not ProcessInstance.objects.exists()


def test_a_trial_names_unknown_tasks_and_outcomes_not_offered(client, city):
    from onewindow.workflow.tests.conftest import upload

    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    _admin, headers = as_admin(client, city)
    body = {"outcomes": {"Task_nothing": "approve", "Task_accept": "reject"}}
    refused = client.post(trial_url(), body, content_type="application/json", **headers)
    assert refused.status_code == 422
    # Each at the key the client sent it under (QA: both were at "outcomes").
    assert refused.json()["fields"] == {
        "outcomes.Task_nothing": ["The process has no user task Task_nothing."],
        "outcomes.Task_accept": ["Task Task_accept offers: accept, not_accepted."],
    }
    missing = client.post(trial_url(version=9), {}, content_type="application/json", **headers)
    assert missing.status_code == 404


def test_a_trial_names_its_end_in_the_request_s_language(client, city, chinese):
    from onewindow.workflow.tests.conftest import upload

    upload("permit", "single_department.bpmn")
    _admin, headers = as_admin(client, city)
    body = {"outcomes": {"Task_review": "reject"}}
    headers = {**headers, "HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    tried = client.post(trial_url("permit"), body, content_type="application/json", **headers)
    assert tried.json()["ends"] == [{"event": "EndEvent_rejected", "name": "不予许可"}]


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [
        (Role.DEPARTMENT_ADMIN, "SJ", 200),  # any admin may try any process
        (Role.PLATFORM_ADMIN, "root", 200),
        (Role.REVIEWING_OFFICER, "GA", 403),
        (Role.WINDOW_OFFICER, "GA", 403),
    ],
)
def test_who_may_try_a_process(client, city, role, where, status):
    from onewindow.workflow.tests.conftest import upload

    upload("permit", "single_department.bpmn")
    _user, headers = as_admin(client, city, role, where)
    tried = client.post(trial_url("permit"), {}, content_type="application/json", **headers)
    assert tried.status_code == status
