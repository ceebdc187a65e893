"""Publishing a form definition through the API (forms/api.py): a department or platform
admin sends a definition as the files in ``definitions/`` hold it; it becomes the next
version of its key, or answers 422 naming each problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onewindow.audit.models import AuditEvent
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.conftest import make_user, otp_for
from onewindow.forms import services as forms_services
from onewindow.forms.models import FormDefinition
from onewindow.identity.roles import Role
from onewindow.identity.tests.test_api import bearer, token_for

pytestmark = pytest.mark.single_pass

URL = "/api/v1/forms"
DEFINITION = json.loads(
    (Path(__file__).resolve().parents[1] / "definitions" / "birth_certificate.json").read_text(
        encoding="utf-8"
    )
)


def headers(client, city, role=Role.DEPARTMENT_ADMIN, where="police"):
    user = make_user(roles=[(role, city[where])] if role else [], with_totp=bool(role))
    token = token_for(client, user, otp_for(user) if role else "")
    return user, {**bearer(token), "HTTP_ACCEPT_LANGUAGE": "en"}


def publish(client, signed_in, body):
    return client.post(URL, body, content_type="application/json", **signed_in)


def test_an_admin_publishes_versions_of_a_form(client, city):
    admin, signed_in = headers(client, city)
    first = publish(client, signed_in, DEFINITION)
    assert first.status_code == 201, first.content
    assert (first.json()["key"], first.json()["version"]) == ("birth_certificate", 1)
    changed = {**DEFINITION, "title_en": "Birth medical certificate (new)"}
    assert publish(client, signed_in, changed).json()["version"] == 2
    stored = FormDefinition.objects.get(key="birth_certificate", version=2)
    assert stored.created_by == admin and stored.schema == DEFINITION["schema"]
    created = AuditEvent.objects.filter(action="forms.definition_created", outcome="success")
    assert created.count() == 2


def test_with_if_changed_the_same_definition_is_refused_and_nothing_published(client, city):
    _admin, signed_in = headers(client, city)
    assert publish(client, signed_in, {**DEFINITION, "if_changed": True}).status_code == 201
    same = publish(client, signed_in, {**DEFINITION, "if_changed": True})
    assert same.status_code == 409 and same.json()["code"] == "unchanged"
    assert FormDefinition.objects.filter(key="birth_certificate").count() == 1
    changed = {**DEFINITION, "title_en": "Birth medical certificate (new)", "if_changed": True}
    assert publish(client, signed_in, changed).json()["version"] == 2


def test_a_bad_definition_names_its_problems_and_saves_nothing(client, city):
    _admin, signed_in = headers(client, city)
    bad = {**DEFINITION, "key": "Birth Certificate", "schema": {"type": "array"}}
    refused = publish(client, signed_in, bad)
    assert refused.status_code == 422
    assert {"key", "schema"} <= set(refused.json()["fields"])
    assert not FormDefinition.objects.exists()


def test_each_problem_is_named_once_and_a_missing_key_is_said_to_be_missing(client, city):
    _admin, signed_in = headers(client, city)
    bad = json.loads(json.dumps(DEFINITION))
    [name, *_others] = bad["schema"]["properties"]
    bad["schema"]["properties"][name]["pattern"] = "^1[3-9"
    bad["layout"]["sections"][0]["fields"].append("ghost")
    bad["layout"].setdefault("fields", {})["ghost"] = {"widget": "text"}
    bad["attachments"].append({"label": "照片", "types": ["png"], "max_mb": 1})
    refused = publish(client, signed_in, bad)
    assert refused.status_code == 422
    fields = refused.json()["fields"]
    assert fields["schema"] == [f"{name}: the pattern is not a valid regular expression."]
    assert fields["layout"] == ["The layout names a field that is not in the schema: ghost"]
    number = len(bad["attachments"])
    assert fields["attachments"] == [
        f"Attachment {number} has no key: give it one of lower-case letters, digits and "
        "single underscores."
    ]
    assert not FormDefinition.objects.exists()


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [
        (Role.DEPARTMENT_ADMIN, "police", 201),
        (Role.PLATFORM_ADMIN, "root", 201),
        (Role.REVIEWING_OFFICER, "police", 403),
        (None, None, 403),  # a citizen
    ],
)
def test_who_may_publish(client, city, role, where, status):
    _user, signed_in = headers(client, city, role, where)
    assert publish(client, signed_in, DEFINITION).status_code == status


def test_without_a_token_nothing_is_published(client, city):
    assert client.post(URL, DEFINITION, content_type="application/json").status_code == 401
    assert not FormDefinition.objects.exists()


def bind_to_an_item_of(department, status=VersionStatus.PUBLISHED) -> FormDefinition:
    """Version 1 of the birth certificate form, bound to an item of ``department``."""
    definition = forms_services.create_definition(
        actor=None,
        key=DEFINITION["key"],
        title=DEFINITION["title"],
        schema=DEFINITION["schema"],
        layout=DEFINITION["layout"],
        attachments=DEFINITION.get("attachments", []),
    )
    item = ServiceItem.objects.create(code=f"{department.code}-QT-0001", department=department)
    ServiceItemVersion.objects.create(
        item=item,
        number=1,
        status=status,
        name="出生医学证明",
        form=definition,
        statutory_limit_days=20,
        promised_limit_days=5,
        online_level=4,
        max_visits=0,
    )
    return definition


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [
        (Role.DEPARTMENT_ADMIN, "police", 201),  # the department whose item uses it
        (Role.PLATFORM_ADMIN, "root", 201),
        (Role.DEPARTMENT_ADMIN, "market", 403),
        (Role.DEPARTMENT_ADMIN, "pudong", 403),
    ],
)
def test_a_forms_next_version_is_for_the_admins_of_the_departments_using_it(
    client, city, role, where, status
):
    """Any admin could publish the next version of another department's form, which
    that department's next binding then took as the newest (QA, over the API)."""
    bind_to_an_item_of(city["police"])
    _user, signed_in = headers(client, city, role, where)
    response = publish(client, signed_in, {**DEFINITION, "title": "另一个标题"})
    assert response.status_code == status
    versions = FormDefinition.objects.filter(key=DEFINITION["key"])
    assert versions.count() == (2 if status == 201 else 1)
    if status == 403:
        assert response.json()["message"] == (
            "Only an admin of every department whose services use this form may publish "
            "its next version; you are not an admin of Department 310000-GA."
        )
        assert AuditEvent.objects.filter(
            action="forms.definition_created", outcome="denied"
        ).exists()


def test_an_item_version_superseded_no_longer_makes_its_department_a_user(client, city):
    bind_to_an_item_of(city["police"], status=VersionStatus.SUPERSEDED)
    _user, signed_in = headers(client, city, Role.DEPARTMENT_ADMIN, "market")
    assert publish(client, signed_in, DEFINITION).status_code == 201


def test_the_answer_names_the_texts_without_english(client, city):
    _user, signed_in = headers(client, city)
    complete = publish(client, signed_in, DEFINITION)
    assert complete.json()["missing_english"] == []
    untitled = publish(client, signed_in, {**DEFINITION, "title_en": "", "if_changed": False})
    assert untitled.status_code == 201
    assert untitled.json()["missing_english"] == ["The form's title"]
