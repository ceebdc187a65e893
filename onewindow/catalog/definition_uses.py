"""What in the catalog uses each form and process version, for the forms' and the
processes' back offices: the items whose published version or open draft is bound to it
and, for processes, the life events whose process of the whole it is. Registered with
``forms.library.form_uses`` and ``workflow.library.process_uses`` in
``CatalogConfig.ready``, so those apps list them without importing the catalog."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import LifeEvent, ServiceItemVersion
from onewindow.core.templatetags.onewindow import localized
from onewindow.core.uses import Use
from onewindow.identity.models import Department


def _item_uses(bound: Q, definition_of: str) -> dict[int, list[Use]]:
    """Definition id (the versions' ``definition_of`` column) → the items bound to it."""
    found: dict[int, list[Use]] = {}
    versions = (
        ServiceItemVersion.objects.filter(bound)
        .exclude(status=VersionStatus.SUPERSEDED)
        .select_related("item")
        .only(definition_of, "status", "name", "name_en", "item__code")
        .order_by("item__code", "number")
    )
    for version in versions:
        found.setdefault(getattr(version, definition_of), []).append(
            Use(
                label=pgettext("a service's name and its code", "%(name)s (%(code)s)")
                % {"name": localized(version), "code": version.item.code},
                url=reverse("backoffice:item", args=[version.item.code]),
                note=version.get_status_display(),
            )
        )
    return found


def form_uses(ids: list[int]) -> dict[int, list[Use]]:
    return _item_uses(Q(form_id__in=ids), "form_id")


def process_uses(ids: list[int]) -> dict[int, list[Use]]:
    found = _item_uses(Q(process_id__in=ids), "process_id")
    for event in LifeEvent.objects.filter(process_id__in=ids).order_by("code"):
        assert event.process_id is not None
        found.setdefault(event.process_id, []).append(
            Use(
                label=localized(event),
                url=reverse("backoffice:event_process", args=[event.code]),
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
