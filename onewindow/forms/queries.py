"""Reads of forms data, already scoped to what the user may see.

Definitions are public (a service guide shows its form); drafts and attachments are
their owner's. Something out of scope raises ``DoesNotExist`` exactly like something
absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from onewindow.forms import permissions
from onewindow.forms.models import Attachment, FormDefinition, FormDraft


def latest_definition(key: str) -> FormDefinition:
    """The newest version of the form ``key`` (``FormDefinition.DoesNotExist`` if none)."""
    definition = FormDefinition.objects.filter(key=key).order_by("-version").first()
    if definition is None:
        raise FormDefinition.DoesNotExist(f"no form definition {key!r}")
    return definition


def definition_version(key: str, version: int) -> FormDefinition:
    return FormDefinition.objects.get(key=key, version=version)


def latest_definitions(keys: list[str]) -> list[FormDefinition]:
    """The newest version of each key, in the order given (for a life event's merged
    form); a missing key raises ``DoesNotExist``."""
    return [latest_definition(key) for key in keys]


def definition_versions(key: str) -> QuerySet[FormDefinition]:
    return FormDefinition.objects.filter(key=key).order_by("-version")


def all_definitions() -> QuerySet[FormDefinition]:
    """Every version of every form, key by key and newest first, for choosing one: the
    questions (schema, layout, attachments) are left out."""
    return FormDefinition.objects.defer("schema", "layout", "attachments").order_by(
        "key", "-version"
    )


def drafts_of(owner: Any) -> QuerySet[FormDraft]:
    if not getattr(owner, "is_authenticated", False):
        return FormDraft.objects.none()
    return FormDraft.objects.filter(owner=owner).select_related("definition")


def attachments_of(owner: Any) -> QuerySet[Attachment]:
    if not getattr(owner, "is_authenticated", False):
        return Attachment.objects.none()
    return Attachment.objects.filter(owner=owner).select_related("definition")


def owned_attachments(owner: Any, wanted: Mapping[str, int]) -> dict[str, Attachment]:
    """The owner's uploads by slot, of those ``wanted`` (slot → id): ids of anybody
    else's files are dropped, as if never sent."""
    if not wanted:
        return {}
    found = {a.pk: a for a in attachments_of(owner).filter(pk__in=set(wanted.values()))}
    return {slot: found[pk] for slot, pk in wanted.items() if pk in found}


def readable_attachment(
    user: Any, attachment_id: int, *, extra_check: permissions.ReaderCheck | None = None
) -> Attachment:
    """The attachment if the user may read it; ``Attachment.DoesNotExist`` otherwise."""
    attachment = Attachment.objects.select_related("definition").get(pk=attachment_id)
    if not permissions.can_read_attachment(user, attachment, extra_check=extra_check):
        raise Attachment.DoesNotExist(f"no attachment {attachment_id}")
    return attachment
