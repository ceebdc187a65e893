"""The forms API: a department or platform admin publishes a form definition (a JSON
Schema with layout hints and the materials to upload, as the files in ``definitions/``
hold them) as the next version of its key. The checks, the permission and the audit are
``services.create_definition``'s; a refused definition answers 422 naming each problem."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StrictBool

from onewindow.core.api_errors import errors
from onewindow.forms import bilingual, services

router = Router(tags=["forms"])


class FormIn(Schema):
    key: str = Field(max_length=64, description="Lower-case letters, digits, - and _")
    title: str = Field(max_length=200)
    title_en: str = Field(default="", max_length=200)
    schema_: dict[str, Any] = Field(alias="schema", description="JSON Schema of the answers")
    layout: dict[str, Any] = Field(description="Sections, field order and widgets")
    attachments: list[dict[str, Any]] = Field(
        default_factory=list, description="The materials to upload, each a slot"
    )
    if_changed: StrictBool = Field(
        default=False,
        description="Answer 409 (unchanged) when the newest version is the same, "
        "instead of publishing a next version that changes nothing",
    )


class FormOut(Schema):
    key: str
    version: int
    title: str
    sha256: str
    created_at: datetime
    missing_english: list[str] = Field(
        description="The texts with Chinese and no English, which English pages show in "
        "Chinese (published all the same), in the request's language"
    )


@router.post(
    "/forms",
    response={201: FormOut, **errors(403, 409)},
    summary="Publish a form definition as the next version of its key",
    operation_id="forms_publish",
)
def publish_form(request: HttpRequest, body: FormIn) -> Status[FormOut]:
    """For department and platform admins (403 for others); a refused definition
    answers 422 naming each problem, and with ``if_changed`` one identical to the
    newest version 409 ``unchanged``."""
    definition = services.create_definition(
        actor=request.user,
        key=body.key,
        title=body.title,
        title_en=body.title_en,
        schema=body.schema_,
        layout=body.layout,
        attachments=body.attachments,
        request=request,
        refuse_unchanged=body.if_changed,
    )
    return Status(
        201,
        FormOut(
            key=definition.key,
            version=definition.version,
            title=definition.title,
            sha256=definition.sha256,
            created_at=definition.created_at,
            missing_english=bilingual.missing_english(definition),
        ),
    )
