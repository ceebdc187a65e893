"""Writes to the catalog, each in one transaction with its audit record.

The life of a guide: an editor saves a draft (``save_draft``), submits it, and a second
person approves or returns it (``reviews``). Approval publishes (``publish``): the new
version replaces the old one for citizens and the search index follows at the next
query. A returned draft keeps what its reviewer said while its author reworks it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Max, Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event, refused
from onewindow.catalog import permissions, routing
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import (
    LIFE_EVENT_FIELDS,
    CatalogRevision,
    LifeEvent,
    LifeEventStep,
    Material,
    ServiceItem,
    ServiceItemVersion,
    Synonym,
    Topic,
)
from onewindow.catalog.references import Resolved, resolve_references
from onewindow.catalog.rows import validate_rows
from onewindow.catalog.validation import CleanItem, Errors, clean_item, read_item
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from onewindow.core.text_input import control_character_problem
from onewindow.forms.models import FormDefinition
from onewindow.identity.models import User
from onewindow.workflow.models import ProcessDefinition

OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.REJECTED)


def bump_revision() -> None:
    """Tell every process's search index that the catalog changed."""
    CatalogRevision.objects.get_or_create(pk=1)
    CatalogRevision.objects.filter(pk=1).update(number=F("number") + 1)


def _invalid(errors: Errors) -> InvalidInput:
    first = next(iter(errors.fields.values()))[0]
    return InvalidInput(first, fields=errors.fields)


# --- drafts, review, publishing -----------------------------------------------------


def _write_version(version: ServiceItemVersion, item: CleanItem, refs: Resolved) -> None:
    for name, value in item.values.items():
        setattr(version, name, value)
    version.save()
    version.co_departments.set(refs.co_departments)
    version.topics.set(refs.topics)
    version.materials.all().delete()
    Material.objects.bulk_create(
        [
            Material(
                version=version,
                order=i,
                **{
                    **m,
                    "source_department": refs.material_departments.get(
                        m["source_department"] or ""
                    ),
                },
            )
            for i, m in enumerate(item.materials)
        ]
    )


def locked_open_version(service_item: ServiceItem) -> ServiceItemVersion | None:
    return (
        ServiceItemVersion.objects.select_for_update()
        .filter(item=service_item)
        .exclude(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED])
        .first()
    )


def note_editor(version: ServiceItemVersion, actor: User | None) -> None:
    """Put ``actor`` among those who changed ``version`` (saved with it by the caller)."""
    if actor is not None and actor.pk not in version.editor_ids:
        version.editor_ids = [*version.editor_ids, actor.pk]


def _new_version(service_item: ServiceItem, author: User | None) -> ServiceItemVersion:
    last = service_item.versions.aggregate(n=Max("number"))["n"] or 0
    published = service_item.published
    # A new draft keeps the form and process the item runs on until someone changes them.
    return ServiceItemVersion(
        item=service_item,
        number=last + 1,
        author=author,
        editor_ids=[author.pk] if author else [],
        status=VersionStatus.DRAFT,
        form=published.form if published else None,
        process=published.process if published else None,
    )


def stage_draft(
    *,
    actor: User | None,
    item: CleanItem,
    refs: Resolved,
    status: str,
) -> ServiceItemVersion:
    """Write ``item`` into the item's open version (made if absent) with ``status``."""
    service_item, created = ServiceItem.objects.select_for_update().get_or_create(
        code=item.code, defaults={"department": refs.department}
    )
    if not created and service_item.department_id != refs.department.pk:
        raise InvalidInput(
            _("An item keeps its responsible department; create a new item instead."),
            fields={"department": [_("An item keeps its responsible department.")]},
        )
    version = locked_open_version(service_item)
    if version is not None and version.status == VersionStatus.IN_REVIEW:
        raise Conflict(_("This item is awaiting review; it can be edited after the review."))
    if version is None:
        version = _new_version(service_item, actor)
    version.status = status
    version.author = actor
    note_editor(version, actor)
    if status == VersionStatus.IN_REVIEW:  # an import sends its drafts to review
        version.submitted_at = timezone.now()
    # The reviewer's last decision (a returned draft's comment) stays: the author
    # reworks the draft by it, and the next review replaces it.
    _write_version(version, item, refs)
    return version


def save_draft(
    *,
    actor: User,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> ServiceItemVersion:
    item, errors = read_item(data)  # its codes looked up even when a field failed
    refs = resolve_references(item, errors) if item else None
    if item is None or refs is None:
        raise _invalid(errors)
    if not permissions.can_edit_items_of(actor, refs.department):
        raise refused(
            Forbidden(NOT_YOUR_DEPARTMENTS),
            actor=actor,
            action="catalog.draft_saved",
            detail={"code": item.code, "department": refs.department.code},
            request=request,
        )
    with transaction.atomic():
        version = stage_draft(actor=actor, item=item, refs=refs, status=VersionStatus.DRAFT)
        record_event(
            actor=actor,
            action="catalog.draft_saved",
            target=version.item,
            detail={"version": version.number},
            request=request,
        )
    return version


NOT_YOUR_DEPARTMENTS = _("You may edit only your own department's items.")


def editable_item(
    actor: User,
    code: str,
    *also: str,
    action: str,
    request: HttpRequest | None = None,
) -> ServiceItem:
    """The item of ``code``, for an editor of its department (with ``also`` related
    to read). One whose guide is published, which anyone may read, is refused as not
    theirs (403); one never published is not found (404), as if absent. A refusal of
    an item that exists is on record as ``action`` denied: call it outside the
    transaction of the change."""
    service_item = ServiceItem.objects.select_related("department", *also).filter(code=code).first()
    if service_item is None:
        raise NotFound(_("No such service item."))
    if not permissions.can_edit_items_of(actor, service_item.department):
        error: ServiceError = Forbidden(NOT_YOUR_DEPARTMENTS)
        if permissions.hidden_from_others(service_item):
            error = NotFound(_("No such service item."))
        raise refused(error, actor=actor, action=action, target=service_item, request=request)
    return service_item


def publish(service_item: ServiceItem, version: ServiceItemVersion) -> None:
    ServiceItemVersion.objects.filter(item=service_item, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.SUPERSEDED
    )
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save()
    service_item.published = version
    service_item.save(update_fields=["published"])
    bump_revision()


# --- bulk: the demo's seed (a file's import: ``imports``) ---------------------------


def seed_items(*, rows: list[Any], source: str) -> int:
    """Publish items directly: the demo loader's path, audited as a system action."""
    cleaned = validate_rows(actor=None, rows=rows)
    count = 0
    with transaction.atomic():
        for item, refs in cleaned:
            existing = ServiceItem.objects.filter(code=item.code).first()
            if existing is not None and existing.published_id is not None:
                continue
            version = stage_draft(actor=None, item=item, refs=refs, status=VersionStatus.IN_REVIEW)
            publish(version.item, version)
            count += 1
        if count:
            record_event(
                actor=None, action="catalog.seeded", detail={"source": source, "count": count}
            )
    return count


def seed_topics(rows: list[dict[str, Any]]) -> None:
    with transaction.atomic():
        for row in rows:
            Topic.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "order": row.get("order", 0),
                },
            )


def seed_life_events(rows: list[dict[str, Any]]) -> int:
    """Create missing life events with their steps; existing ones are left alone."""
    count = 0
    with transaction.atomic():
        for row in rows:
            if LifeEvent.objects.filter(code=row["code"]).exists():
                continue
            event = LifeEvent.objects.create(
                **{k: row[k] for k in LIFE_EVENT_FIELDS},
                keywords=row.get("keywords", ""),
            )
            steps: dict[str, LifeEventStep] = {}
            for step in sorted(row["steps"], key=lambda s: s["order"]):
                item = ServiceItem.objects.get(code=step["item"])
                steps[step["item"]] = LifeEventStep.objects.create(
                    event=event,
                    item=item,
                    order=step["order"],
                    note=step.get("note", ""),
                    note_en=step.get("note_en", ""),
                )
                steps[step["item"]].depends_on.set([steps[c] for c in step.get("depends_on", [])])
            count += 1
        if count:
            bump_revision()
            record_event(actor=None, action="catalog.life_events_seeded", detail={"count": count})
    return count


# --- what an online application runs on --------------------------------------------


def bind_application(
    *,
    actor: User | None,
    code: str,
    form: FormDefinition | None,
    process: ProcessDefinition | None,
    request: HttpRequest | None = None,
) -> ServiceItemVersion:
    """Set the form and process of an item's applications.

    An editor's change goes into the item's draft and is published by review like any
    other; the system (``actor=None``, the demo seed) sets the published version itself.
    An editor's process must reach the item's department and only departments the
    editor edits (``routing.check_item_process``). A form is not refused: forms belong
    to no department, and one of another department's items is shown to the draft's
    reviewer (``shared_forms.items_of_other_departments``).
    """
    if actor is None:
        service_item = (
            ServiceItem.objects.select_related("department", "published").filter(code=code).first()
        )
        if service_item is None:
            raise NotFound(_("No such service item."))
    else:
        service_item = editable_item(
            actor, code, "published", action="catalog.application_bound", request=request
        )
    if actor is not None and process is not None:
        routing.check_item_process(
            actor=actor, service_item=service_item, process=process, request=request
        )
    with transaction.atomic():
        version = service_item.published if actor is None else locked_open_version(service_item)
        if version is not None and version.status == VersionStatus.IN_REVIEW:
            raise Conflict(_("This item is awaiting review; it can be edited after the review."))
        if version is None:
            if service_item.published is None:
                raise Conflict(_("The item has no published version."))
            version = _new_version(service_item, actor)
            _copy_guide(service_item.published, version)
        version.form, version.process = form, process
        if actor is not None:
            # An editor's change, as a saved draft: a returned draft is a draft again,
            # which keeps its reviewer's comment (``stage_draft``).
            version.status = VersionStatus.DRAFT
            version.author = actor
            note_editor(version, actor)
        version.save()
        if version.status == VersionStatus.PUBLISHED:
            bump_revision()  # search results say which items take applications
        record_event(
            actor=actor,
            action="catalog.application_bound",
            target=service_item,
            request=request,
            detail={
                "version": version.number,
                "form": str(form) if form else None,
                "process": str(process) if process else None,
            },
        )
    return version


def _copy_guide(source: ServiceItemVersion, target: ServiceItemVersion) -> None:
    """Make ``target`` a copy of ``source``'s guide (fields, relations, materials)."""
    from onewindow.catalog.transfer import version_as_dict

    item, errors = clean_item(version_as_dict(source))
    refs = resolve_references(item, errors) if item else None
    if item is None or refs is None:
        raise Conflict(_("The published guide no longer passes the catalog's checks."))
    _write_version(target, item, refs)


# --- synonyms and popularity --------------------------------------------------------


SYNONYMS_ARE_THE_CITYS = _(
    "Only the city's catalog administrators maintain synonyms: they change the search of "
    "every service."
)

# The lengths of their columns, read from the model: one place to change them.
SYNONYM_TERM_LIMIT = Synonym._meta.get_field("term").max_length
SYNONYM_CANONICAL_LIMIT = Synonym._meta.get_field("canonical").max_length


def save_synonym(
    *,
    actor: User,
    term: str,
    canonical: str,
    request: HttpRequest | None = None,
) -> Synonym:
    if not permissions.can_manage_synonyms(actor):
        raise Forbidden(SYNONYMS_ARE_THE_CITYS)
    # Refused: a word of only invisible characters (a zero-width space, listed as an
    # empty entry), one too long for its column, or holding a control character.
    # A cycle (aa → bb, then bb → aa) is not: ``search.engine.expand_synonyms`` adds
    # the catalog terms of the words typed, once, and never expands what it added, so
    # the pair only makes each word find the other, which is what its admin meant.
    errors = Errors()
    term = errors.text(term, "term", required=True, limit=SYNONYM_TERM_LIMIT)
    canonical = errors.text(canonical, "canonical", required=True, limit=SYNONYM_CANONICAL_LIMIT)
    if term and term == canonical:
        errors.add("canonical", _("A word cannot be its own synonym."))
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        synonym, created = Synonym.objects.update_or_create(
            term=term, defaults={"canonical": canonical, "created_by": actor}
        )
        bump_revision()
        record_event(
            actor=actor,
            action="catalog.synonym_saved",
            target=synonym,
            detail={"term": term, "canonical": canonical, "created": created},
            request=request,
        )
    return synonym


def delete_synonym(*, actor: User, term: str, request: HttpRequest | None = None) -> None:
    if not permissions.can_manage_synonyms(actor):
        raise Forbidden(SYNONYMS_ARE_THE_CITYS)
    if control_character_problem(term) is not None:
        # No word saved holds one (``save_synonym``), and PostgreSQL refuses to look
        # for text holding a NUL (a 500).
        raise NotFound(_("No such synonym."))
    with transaction.atomic():
        synonym = Synonym.objects.filter(term=term).first()
        if synonym is None:
            raise NotFound(_("No such synonym."))
        record_event(
            actor=actor,
            action="catalog.synonym_deleted",
            target=synonym,
            detail={"term": synonym.term, "canonical": synonym.canonical},
            request=request,
        )
        synonym.delete()
        bump_revision()


def seed_synonyms(rows: list[dict[str, str]]) -> None:
    with transaction.atomic():
        for row in rows:
            Synonym.objects.get_or_create(
                term=row["term"], defaults={"canonical": row["canonical"]}
            )
        bump_revision()


def count_view(code: str) -> None:
    """A guide page was read: popularity breaks ties between equally relevant items and
    makes the home page's popular services (``queries.popular_items``)."""
    ServiceItem.objects.filter(code=code).update(popularity=F("popularity") + 1)


def event_to_bind(
    *, code: str, actor: User | None, request: HttpRequest | None = None
) -> LifeEvent:
    """The life event, with its steps' items, if ``actor`` may set its process (None:
    the system); ``NotFound``, or ``Forbidden`` audited. The API asks it before reading
    the process named, so that a refusal tells nobody which processes exist."""
    steps = LifeEventStep.objects.select_related("item__department")
    event = (
        LifeEvent.objects.prefetch_related(Prefetch("steps", queryset=steps))
        .filter(code=code)
        .first()
    )
    if event is None:
        raise NotFound(_("No such life event."))
    if actor is not None and not permissions.can_bind_event_process(actor, event):
        raise refused(
            Forbidden(_("Only an editor of every department of the event's services may.")),
            actor=actor,
            action="catalog.event_process_bound",
            target=event,
            request=request,
        )
    return event


def bind_event_process(
    *,
    code: str,
    process: ProcessDefinition | None,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> LifeEvent:
    """Set the process a life event's items run in together (None: each its own), for
    the applications filed from now on. ``actor`` None is the system (the demo seed);
    anyone else must edit the items of every department the event spans, and choose a
    process whose lanes are those departments (``routing.check_event_process``)."""
    event = event_to_bind(code=code, actor=actor, request=request)
    if actor is not None and process is not None:
        routing.check_event_process(event, process)
    with transaction.atomic():
        event.process = process
        event.save(update_fields=["process"])
        record_event(
            actor=actor,
            action="catalog.event_process_bound",
            target=event,
            detail={
                "event": code,
                "process": str(process) if process else None,
            },
            request=request,
        )
    return event
