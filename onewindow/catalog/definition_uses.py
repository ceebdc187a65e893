"""What in the catalog uses each form and process version, for the forms' and the
processes' back offices: the items whose published version or open draft is bound to it
and, for processes, the life events whose process of the whole it is. Registered with
``forms.library.form_uses`` and ``workflow.library.process_uses`` in
``CatalogConfig.ready``, so those apps list them without importing the catalog.

Each is linked for its reader: to its back-office page when the reader may open it,
else to its public page (an item's guide, if published), else not at all. Another
department's item is listed all the same: whoever changes the definition must know it
is in use."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.catalog import permissions, queries
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import LifeEvent, ServiceItem, ServiceItemVersion
from onewindow.core.templatetags.onewindow import localized
from onewindow.core.uses import Use
from onewindow.identity.models import Department


def _openable(reader: Any, items: set[int]) -> set[int]:
    """Of ``items`` (ids), those whose back-office page ``reader`` may open: the page's
    own check (``backoffice_views.item_or_404`` behind ``can_use_back_office``), which
    reads the item through ``queries.items_for_officer``; one query for them all."""
    if not items or not permissions.can_use_back_office(reader):
        return set()
    scoped = queries.items_for_officer(reader).prefetch_related(None).order_by()
    return set(scoped.filter(pk__in=items).values_list("pk", flat=True))


def _item_url(item: ServiceItem, openable: set[int]) -> str:
    if item.pk in openable:
        return reverse("backoffice:item", args=[item.code])
    # Another department's: its page would answer 403, or 404 for one never published,
    # whose guide nobody reads either (``permissions.hidden_from_others``).
    if permissions.hidden_from_others(item):
        return ""
    return reverse("catalog:item", args=[item.code])


def _item_uses(bound: Q, definition_of: str, reader: Any) -> dict[int, list[Use]]:
    """Definition id (the versions' ``definition_of`` column) → the items bound to it."""
    versions = list(
        ServiceItemVersion.objects.filter(bound)
        .exclude(status=VersionStatus.SUPERSEDED)
        .select_related("item")
        .only(definition_of, "status", "name", "name_en", "item__code", "item__published")
        .order_by("item__code", "number")
    )
    openable = _openable(reader, {version.item_id for version in versions})
    found: dict[int, list[Use]] = {}
    for version in versions:
        found.setdefault(getattr(version, definition_of), []).append(
            Use(
                label=pgettext("a service's name and its code", "%(name)s (%(code)s)")
                % {"name": localized(version), "code": version.item.code},
                url=_item_url(version.item, openable),
                note=version.get_status_display(),
            )
        )
    return found


def form_uses(ids: list[int], reader: Any) -> dict[int, list[Use]]:
    return _item_uses(Q(form_id__in=ids), "form_id", reader)


def process_uses(ids: list[int], reader: Any) -> dict[int, list[Use]]:
    found = _item_uses(Q(process_id__in=ids), "process_id", reader)
    # Every life event is public; its back-office page is for any catalog editor.
    in_back_office = permissions.can_use_back_office(reader)
    for event in LifeEvent.objects.filter(process_id__in=ids).order_by("code"):
        assert event.process_id is not None
        found.setdefault(event.process_id, []).append(
            Use(
                label=localized(event),
                url=reverse(
                    "backoffice:event_process" if in_back_office else "catalog:event",
                    args=[event.code],
                ),
                note=_("Life event"),
            )
        )
    return found


def form_users(key: str) -> list[Department]:
    """The departments of the items whose published version or open draft is bound to
    a version of form ``key``: the admins who may publish its next version."""
    bound = ServiceItemVersion.objects.filter(form__key=key).exclude(
        status=VersionStatus.SUPERSEDED
    )
    return list(Department.objects.filter(pk__in=bound.values("item__department")))
