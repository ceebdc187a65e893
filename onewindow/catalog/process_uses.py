"""What in the catalog runs each process version, for the processes' back office: the
items whose published version or open draft is bound to it, and the life events whose
process of the whole it is. Registered with ``workflow.library.register_uses`` in
``CatalogConfig.ready``, so the workflow app lists them without importing the catalog."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import LifeEvent, ServiceItemVersion
from onewindow.core.templatetags.onewindow import localized
from onewindow.workflow.library import Use


def process_uses(ids: list[int]) -> dict[int, list[Use]]:
    found: dict[int, list[Use]] = {}
    versions = (
        ServiceItemVersion.objects.filter(process_id__in=ids)
        .exclude(status=VersionStatus.SUPERSEDED)
        .select_related("item")
        .only("process_id", "status", "name", "name_en", "item__code")
        .order_by("item__code", "number")
    )
    for version in versions:
        assert version.process_id is not None
        found.setdefault(version.process_id, []).append(
            Use(
                label=f"{localized(version)} ({version.item.code})",
                url=reverse("backoffice:item", args=[version.item.code]),
                note=version.get_status_display(),
            )
        )
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
