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
    form: str | None = Field(description="The form's key and version in words (passport v2)")
    process: str | None = Field(description="The process's key and version in words")
    # As the request names them, to send back as they are.
    form_key: str | None = None
    form_version: int | None = None
    process_key: str | None = None
    process_version: int | None = None


def _chosen(
    errors: FieldErrors,
    field: str,
    missing: tuple[str, str],
    key: str | None,
    version: int | None,
    latest: Callable[[str], Definition],
    exact: Callable[[str, int], Definition],
) -> Definition | None:
    """The version named (the newest when none is), None for no key, or a field error:
    at ``field`` for a key of nothing, at ``<field>_version`` for a version its key
    does not have (``missing``: the two messages)."""
    if key is None:
        return None
    try:
        return latest(key) if version is None else exact(key, version)
    except ObjectDoesNotExist:
        no_key, no_version = missing
        if version is not None and _exists(latest, key):
            errors.add(f"{field}_version", no_version)
        else:
            errors.add(field, no_key)
        return None


def _exists(latest: Callable[[str], Definition], key: str) -> bool:
    try:
        latest(key)
    except ObjectDoesNotExist:
        return False
    return True


def _form(errors: FieldErrors, key: str | None, version: int | None) -> FormDefinition | None:
    return _chosen(
        errors,
        "form",
        (_("No such form."), _("This form has no such version.")),
        key,
        version,
        forms_queries.latest_definition,
        forms_queries.definition_version,
    )


def _process(errors: FieldErrors, key: str | None, version: int | None) -> ProcessDefinition | None:
    return _chosen(
        errors,
        "process",
        (_("No such process."), _("This process has no such version.")),
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
        form_key=form.key if form else None,
        form_version=form.version if form else None,
        process_key=process.key if process else None,
        process_version=process.version if process else None,
    )


class EventProcessIn(Schema):
    process: str | None = Field(description="The process's key; null: each item its own")
    process_version: int | None = Field(default=None, description="Default: the newest")


class EventProcessOut(Schema):
    event: str
    process: str | None = Field(description="The process's key and version in words")
    process_key: str | None = None
    process_version: int | None = None


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
    return EventProcessOut(
        event=code,
        process=_label(process),
        process_key=process.key if process else None,
        process_version=process.version if process else None,
    )
