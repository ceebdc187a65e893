"""Binding what runs applications, through the API: an item's form and process, for the
editors of its department (into the item's draft, published by review like any other
change: ``services.bind_application``); a life event's process of the whole, for the
editors of every department it spans (``services.bind_event_process``). The services
check and audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from onewindow.catalog import services
from onewindow.core.api_errors import errors
from onewindow.core.errors import FieldErrors
from onewindow.forms import queries as forms_queries
from onewindow.forms.models import FormDefinition
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow.models import ProcessDefinition

# Signed in (the API's token), unlike the catalog's public reads.
router = Router(tags=["catalog"])

Definition = TypeVar("Definition", FormDefinition, ProcessDefinition)


class ApplicationIn(Schema):
    form: str | None = Field(description="The form's key; null: no online application")
    form_version: int | None = Field(default=None, description="Default: the newest")
    process: str | None = Field(description="The process's key; null: none")
    process_version: int | None = Field(default=None, description="Default: the newest")


class ApplicationOut(Schema):
    item: str
    version: int
    status: str
    form: str | None
    process: str | None


def _chosen(
    errors: FieldErrors,
    field: str,
    missing: str,
    key: str | None,
    version: int | None,
    latest: Callable[[str], Definition],
    exact: Callable[[str, int], Definition],
) -> Definition | None:
    """The version named (the newest when none is), None for no key, or a field error."""
    if key is None:
        return None
    try:
        return latest(key) if version is None else exact(key, version)
    except ObjectDoesNotExist:
        errors.add(field, missing)
        return None


def _form(errors: FieldErrors, key: str | None, version: int | None) -> FormDefinition | None:
    return _chosen(
        errors,
        "form",
        _("No such form (or version)."),
        key,
        version,
        forms_queries.latest_definition,
        forms_queries.definition_version,
    )


def _process(errors: FieldErrors, key: str | None, version: int | None) -> ProcessDefinition | None:
    return _chosen(
        errors,
        "process",
        _("No such process (or version)."),
        key,
        version,
        workflow_queries.latest_definition,
        workflow_queries.definition_version,
    )


def _label(definition: FormDefinition | ProcessDefinition | None) -> str | None:
    return str(definition) if definition else None


@router.put(
    "/items/{code}/application",
    response={200: ApplicationOut, **errors(403, 409)},
    summary="Bind an item's online application to a form and a process (into its draft)",
    operation_id="items_bind_application",
)
def bind_application(request: HttpRequest, code: str, body: ApplicationIn) -> ApplicationOut:
    """Into the item's draft, published by review. 403 unless the caller edits the item's
    department and every department the process's lanes name; 409 while the item awaits
    review."""
    # Whether the caller edits the item first: a refusal for a key that does not exist
    # and another for one that does told anyone which forms and processes there are.
    services.editable_item(
        request.user,  # type: ignore[arg-type]
        code,
        action="catalog.application_bound",
        request=request,
    )
    errors = FieldErrors()
    form = _form(errors, body.form, body.form_version)
    process = _process(errors, body.process, body.process_version)
    errors.raise_if_any()
    version = services.bind_application(
        actor=request.user,  # type: ignore[arg-type]  # the token's user, never anonymous
        code=code,
        form=form,
        process=process,
        request=request,
    )
    return ApplicationOut(
        item=code,
        version=version.number,
        status=version.status,
        form=_label(form),
        process=_label(process),
    )


class EventProcessIn(Schema):
    process: str | None = Field(description="The process's key; null: each item its own")
    process_version: int | None = Field(default=None, description="Default: the newest")


class EventProcessOut(Schema):
    event: str
    process: str | None


@router.put(
    "/life-events/{code}/process",
    response={200: EventProcessOut, **errors(403)},
    summary="Set the process a life event's items run in together",
    operation_id="life_events_bind_process",
)
def bind_event_process(request: HttpRequest, code: str, body: EventProcessIn) -> EventProcessOut:
    """For an editor of every department the event's items belong to; null makes each
    item run its own process again."""
    # Whether the caller may first, as for an item's binding.
    services.event_to_bind(code=code, actor=request.user, request=request)  # type: ignore[arg-type]
    errors = FieldErrors()
    process = _process(errors, body.process, body.process_version)
    errors.raise_if_any()
    services.bind_event_process(
        actor=request.user,  # type: ignore[arg-type]  # the token's user, never anonymous
        code=code,
        process=process,
        request=request,
    )
    return EventProcessOut(event=code, process=_label(process))
