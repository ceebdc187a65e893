"""Another department's form in a draft: what a reviewer should look at before
publishing, not a refusal.

A form definition belongs to no department (``forms.models.FormDefinition`` has a key,
versions and its uploader, and any department or platform admin may publish one), and
one form may rightly serve several items, so an editor may bind any form. But a form
that other departments' items ask is theirs in practice: its questions and materials
are about their service, and they publish its next versions. So the review of a draft
shows which other departments' items ask the same form (any version of its key), as it
shows the texts without English (``bilingual``).
"""

from __future__ import annotations

from django.utils.translation import pgettext

from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItemVersion
from onewindow.core.templatetags.onewindow import localized


def items_of_other_departments(version: ServiceItemVersion) -> list[str]:
    """Other departments' items whose published version or open draft asks a version of
    ``version``'s form, by code, each as "name (code, department)" in the reader's
    language; none when the version has no form. One query."""
    if version.form is None:
        return []
    others = (
        ServiceItemVersion.objects.filter(form__key=version.form.key)
        .exclude(status=VersionStatus.SUPERSEDED)
        .exclude(item__department_id=version.item.department_id)
        .select_related("item__department")
        .only(
            "name",
            "name_en",
            "item__code",
            "item__department__name",
            "item__department__name_en",
        )
        .order_by("item__code", "-number")
    )
    found: dict[str, str] = {}
    for other in others:
        found.setdefault(
            other.item.code,
            pgettext("an item of another department", "%(name)s (%(code)s, %(department)s)")
            % {
                "name": localized(other),
                "code": other.item.code,
                "department": localized(other.item.department),
            },
        )
    return list(found.values())
