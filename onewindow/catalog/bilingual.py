"""The guide texts of a version that have Chinese but no English: English pages show
the Chinese there (marked as Chinese). Not refused — a city's catalog comes in Chinese
first and its English follows — but the reviewer of a draft is shown what is missing
before publishing it."""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy

from onewindow.catalog.models import ServiceItemVersion

# The version's own texts: (field, its English twin, label).
VERSION_TEXTS = (
    ("summary", "summary_en", pgettext_lazy("guide text", "Summary")),
    ("legal_basis", "legal_basis_en", pgettext_lazy("guide text", "Legal basis")),
    ("conditions", "conditions_en", pgettext_lazy("guide text", "Conditions")),
    ("fee_basis", "fee_basis_en", pgettext_lazy("guide text", "Legal basis of the fee")),
)
MATERIAL_TEXTS = (
    ("name", "name_en", pgettext_lazy("guide text", "Name")),
    ("certificate_type", "certificate_type_en", pgettext_lazy("guide text", "E-certificate type")),
    ("notes", "notes_en", pgettext_lazy("guide text", "Notes")),
)
OFFICE_TEXTS = (
    ("address", "address_en", pgettext_lazy("guide text", "Address")),
    ("hours", "hours_en", pgettext_lazy("guide text", "Opening hours")),
)
FAQ_TEXTS = (
    ("q", "q_en", pgettext_lazy("guide text", "Question")),
    ("a", "a_en", pgettext_lazy("guide text", "Answer")),
)


def missing_english(version: ServiceItemVersion) -> list[str]:
    """Where ``version`` has Chinese and no English, in the reader's language, in the
    order of the guide."""
    missing = [
        str(label)
        for field, twin, label in VERSION_TEXTS
        if getattr(version, field).strip() and not getattr(version, twin).strip()
    ]
    for material in version.materials.all():
        missing += [
            _entry(pgettext("guide text", "Material"), material.name, str(label))
            for field, twin, label in MATERIAL_TEXTS
            if getattr(material, field).strip() and not getattr(material, twin).strip()
        ]
    for kind, entries, texts in (
        (pgettext("guide text", "Office"), version.offices, OFFICE_TEXTS),
        (pgettext("guide text", "Question"), version.faq, FAQ_TEXTS),
    ):
        for number, entry in enumerate(entries, start=1):
            missing += [
                _entry(kind, str(number), str(label))
                for field, twin, label in texts
                if str(entry.get(field) or "").strip() and not str(entry.get(twin) or "").strip()
            ]
    return missing


def _entry(kind: str, which: str, text: str) -> str:
    return pgettext("a text of one entry of a guide", "%(kind)s %(which)s: %(text)s") % {
        "kind": kind,
        "which": which,
        "text": text,
    }
