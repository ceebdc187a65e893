"""The guide texts of a version that have Chinese but no English: English pages show
the Chinese there (marked as Chinese). Not refused — a city's catalog comes in Chinese
first and its English follows — but the reviewer of a draft is shown what is missing
before publishing it."""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy

from onewindow.catalog.models import ServiceItemVersion

# The texts by field, each with its English twin ``<field>_en``, and their labels.
VERSION_TEXTS = (
    ("summary", pgettext_lazy("guide text", "Summary")),
    ("legal_basis", pgettext_lazy("guide text", "Legal basis")),
    ("conditions", pgettext_lazy("guide text", "Conditions")),
    ("fee_basis", pgettext_lazy("guide text", "Legal basis of the fee")),
)
MATERIAL_TEXTS = (
    ("name", pgettext_lazy("guide text", "Name")),
    ("certificate_type", pgettext_lazy("guide text", "E-certificate type")),
    ("notes", pgettext_lazy("guide text", "Notes")),
)
OFFICE_TEXTS = (
    ("address", pgettext_lazy("guide text", "Address")),
    ("hours", pgettext_lazy("guide text", "Opening hours")),
)
FAQ_TEXTS = (
    ("q", pgettext_lazy("guide text", "Question")),
    ("a", pgettext_lazy("guide text", "Answer")),
)


def missing_english(version: ServiceItemVersion) -> list[str]:
    """Where ``version`` has Chinese and no English, in the reader's language, in the
    order of the guide."""
    missing = [
        str(label)
        for field, label in VERSION_TEXTS
        if getattr(version, field).strip() and not getattr(version, f"{field}_en").strip()
    ]
    for material in version.materials.all():
        missing += [
            _entry(pgettext("guide text", "Material"), material.name, str(label))
            for field, label in MATERIAL_TEXTS
            if getattr(material, field).strip() and not getattr(material, f"{field}_en").strip()
        ]
    for kind, entries, texts in (
        (pgettext("guide text", "Office"), version.offices, OFFICE_TEXTS),
        (pgettext("guide text", "Question"), version.faq, FAQ_TEXTS),
    ):
        for number, entry in enumerate(entries, start=1):
            missing += [
                _entry(kind, str(number), str(label))
                for field, label in texts
                if str(entry.get(field) or "").strip()
                and not str(entry.get(f"{field}_en") or "").strip()
            ]
    return missing


def _entry(kind: str, which: str, text: str) -> str:
    return pgettext("a text of one entry of a guide", "%(kind)s %(which)s: %(text)s") % {
        "kind": kind,
        "which": which,
        "text": text,
    }
