"""Who may change the catalog. Every check of this app is here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from onewindow.catalog.models import LifeEvent, ServiceItem, ServiceItemVersion
from onewindow.identity.models import Department
from onewindow.identity.permissions import holds_role_over, officer_roots
from onewindow.identity.roles import Role

EDITORS = frozenset({Role.DEPARTMENT_ADMIN, Role.PLATFORM_ADMIN})


def can_edit_items_of(user: Any, department: Department) -> bool:
    """Department admins edit their department's (and its units') items."""
    return holds_role_over(user, department, EDITORS)


def hidden_from_others(item: ServiceItem) -> bool:
    """Whether an item another department's editor may not edit is also hidden from
    them (404): one never published is; a published one, whose guide anyone reads, is
    refused as not theirs (403), by the pages, the API and the services alike."""
    return item.published_id is None


def can_review(user: Any, version: ServiceItemVersion) -> bool:
    """A second person: an editor over the item's department who neither submitted the
    version nor changed any of it (``ServiceItemVersion.editor_ids``)."""
    return (
        can_edit_items_of(user, version.item.department)
        and version.author_id is not None
        and version.author_id != user.pk
        and user.pk not in version.editor_ids
    )


def changed_by(user: Any, version: ServiceItemVersion) -> bool:
    """Whether ``user`` changed the version's content, which bars them from reviewing it."""
    return user.pk in version.editor_ids


def can_withdraw(user: Any, version: ServiceItemVersion) -> bool:
    """Its author, while still an editor over the item's department, takes a draft back
    from review (ADR 0025). Nobody else: any other editor over the department, a
    platform admin included, may review the draft, and returning it tells the author
    why (``can_review``); withdrawing it would take it from them without a word."""
    return (
        version.author_id is not None
        and version.author_id == user.pk
        and can_edit_items_of(user, version.item.department)
    )


def can_bind_event_process(user: Any, event: LifeEvent) -> bool:
    """An event's process routes work to the departments of all its items: an editor over
    every one of them (a platform admin at the city's root is). Read from the event's
    steps as its caller fetched them, with their items' departments
    (``queries.events_with_processes``, ``services.bind_event_process``)."""
    departments = {step.item.department for step in event.steps.all()}
    return bool(departments) and all(can_edit_items_of(user, d) for d in departments)


def can_bind_item_process(user: Any, lane_departments: Iterable[Department]) -> bool:
    """An item's process routes its applications to the departments its lanes name, as
    a life event's process does to its items' (``can_bind_event_process``): an editor
    over every one of them (a platform admin at the city's root is). Whether the process
    also reaches the item's own department is a rule of the binding, not of the person:
    ``services.bind_application`` checks it first."""
    departments = list(lane_departments)
    return bool(departments) and all(can_edit_items_of(user, d) for d in departments)


def can_use_back_office(user: Any) -> bool:
    return bool(officer_roots(user, EDITORS))


def can_manage_synonyms(user: Any) -> bool:
    """Synonyms change what the whole city's search finds, at once and without review:
    they are for an editor at the city's root (its platform admin, or the admin of the
    department at the root), not for one department's, whose items a synonym could
    hide or push aside."""
    return any(root.parent_id is None for root in officer_roots(user, EDITORS))
