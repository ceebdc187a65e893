"""Writes to forms data. Each function runs in one transaction with its audit record.

Attachments are stored by ``attachments.store_attachment`` (same rules, kept apart
because of the file checks).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event, refused
from onewindow.core.errors import Conflict, Forbidden
from onewindow.forms import permissions, queries
from onewindow.forms.models import FormDefinition, FormDraft
from onewindow.forms.schema import check_definition
from onewindow.forms.spec import DefinitionLike
from onewindow.forms.validation import draft_values
from onewindow.identity import naming


def definition_digest(
    *, title: str, title_en: str, schema: Any, layout: Any, attachments: Any
) -> str:
    """SHA-256 over the canonical JSON of a definition's content."""
    content = {
        "title": title,
        "title_en": title_en,
        "schema": schema,
        "layout": layout,
        "attachments": attachments,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def create_definition(
    *,
    actor: Any | None,
    key: str,
    title: str,
    title_en: str = "",
    schema: dict[str, Any],
    layout: dict[str, Any],
    attachments: list[dict[str, Any]] | None = None,
    request: HttpRequest | None = None,
    refuse_unchanged: bool = False,
) -> FormDefinition:
    """Check the definition and store it as the next version of ``key``; with
    ``refuse_unchanged`` (the back office), one identical to the newest version is a
    ``Conflict`` rather than a new version that changes nothing."""
    attachments = attachments or []
    if not permissions.can_manage_definitions(actor):
        raise refused(
            Forbidden(_("You may not publish form definitions.")),
            actor=actor,
            action="forms.definition_created",
            target=("forms.formdefinition", key),
            request=request,
        )
    if others := permissions.departments_not_managed(actor, key):
        raise refused(
            Forbidden(
                _(
                    "Only an admin of every department whose services use this form may "
                    "publish its next version; you are not an admin of %(departments)s."
                )
                % {"departments": naming.names(others)}
            ),
            actor=actor,
            action="forms.definition_created",
            target=("forms.formdefinition", key),
            request=request,
        )
    check_definition(
        key=key,
        title=title,
        title_en=title_en,
        schema=schema,
        layout=layout,
        attachments=attachments,
    )
    digest = definition_digest(
        title=title, title_en=title_en, schema=schema, layout=layout, attachments=attachments
    )
    number = 0
    try:
        with transaction.atomic():
            versions = FormDefinition.objects.filter(key=key).order_by("-version")
            newest = versions.only("version", "sha256").first()
            if refuse_unchanged and newest and newest.sha256 == digest:
                raise Conflict(
                    _("The definition is the same as version %(version)d; nothing was stored.")
                    % {"version": newest.version},
                    code="unchanged",
                )
            number = (newest.version if newest else 0) + 1
            definition = FormDefinition.objects.create(
                key=key,
                version=number,
                title=title.strip(),
                title_en=title_en.strip(),
                schema=schema,
                layout=layout,
                attachments=attachments,
                created_by=actor,
                sha256=digest,
            )
            record_event(
                actor=actor,
                action="forms.definition_created",
                target=definition,
                detail={"key": key, "version": definition.version, "sha256": digest},
                request=request,
            )
    except IntegrityError as exc:
        # Someone else published a version of the same key between our read and insert;
        # any other refusal of the database is no race, and retrying would not help.
        if not number or not FormDefinition.objects.filter(key=key, version=number).exists():
            raise
        raise Conflict(
            _("Another version of this form was just published. Try again."), code="conflict"
        ) from exc
    return definition


DRAFT_ATTACHMENTS = "_attachments"
# Whom the form is filled in for, when the applicant may choose (a company they act for).
DRAFT_APPLYING_FOR = "_applying_for"


def save_draft(
    *,
    owner: Any,
    definition: FormDefinition,
    context: str,
    data: Mapping[str, Any],
    shape: DefinitionLike | None = None,
    attachments: Mapping[str, int] | None = None,
    applying_for: str | None = None,
    request: HttpRequest | None = None,
) -> FormDraft:
    """Keep what the applicant has typed so far, the ids of the files uploaded so far,
    and whom they chose to apply for (``applying_for``: a company's code, or "" for
    themself; None when they were not asked). Nothing is validated: half-finished
    answers are the point of a draft; ``validate_data`` runs at submission. ``shape``
    is the form the answers belong to when it is not ``definition`` itself (a life
    event's merged form, kept under its first item's definition)."""
    values = draft_values(shape or definition, data)
    if attachments:
        values[DRAFT_ATTACHMENTS] = {str(k): int(v) for k, v in attachments.items()}
    if applying_for is not None:
        values[DRAFT_APPLYING_FOR] = applying_for[:100]
    with transaction.atomic():
        draft, created = FormDraft.objects.update_or_create(
            owner=owner, definition=definition, context=context[:200], defaults={"data": values}
        )
        record_event(
            actor=owner,
            action="forms.draft_saved",
            target=draft,
            detail={
                "definition": str(definition),
                "context": draft.context,
                "fields": sorted(values),
                "created": created,
            },
            request=request,
        )
    return draft


def load_draft(*, owner: Any, definition: FormDefinition, context: str) -> FormDraft | None:
    """The owner's draft of this form in this context, if there is one."""
    if not getattr(owner, "is_authenticated", False):
        return None
    return FormDraft.objects.filter(
        owner=owner, definition=definition, context=context[:200]
    ).first()


def draft_attachments(owner: Any, shape: DefinitionLike, draft: FormDraft) -> dict[str, Any]:
    """The owner's uploads a draft kept (``save_draft(attachments=)``), by slot, for the
    slots the form (``shape``) still has."""
    kept = draft.data.get(DRAFT_ATTACHMENTS) or {}
    slots = {slot["key"] for slot in shape.attachments or []}
    wanted = {slot: pk for slot, pk in kept.items() if slot in slots and isinstance(pk, int)}
    return queries.owned_attachments(owner, wanted)


def draft_applying_for(draft: FormDraft) -> str | None:
    """Whom a draft was filled in for (``save_draft(applying_for=)``), None if not kept."""
    chosen = draft.data.get(DRAFT_APPLYING_FOR)
    return chosen if isinstance(chosen, str) else None


def discard_draft(
    *,
    owner: Any,
    definition: FormDefinition,
    context: str,
    request: HttpRequest | None = None,
) -> bool:
    """Delete the draft (after submission, or when the applicant starts over)."""
    with transaction.atomic():
        draft = (
            FormDraft.objects.select_for_update()
            .filter(owner=owner, definition=definition, context=context[:200])
            .first()
        )
        if draft is None:
            return False
        record_event(
            actor=owner,
            action="forms.draft_discarded",
            target=draft,
            detail={"definition": str(definition), "context": draft.context},
            request=request,
        )
        draft.delete()
    return True
