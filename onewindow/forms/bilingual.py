"""The texts of a form definition that have Chinese but no English. English pages then
show the Chinese (a question labelled 备注 on an English form), so whoever uploads a
version is told what is missing, as a guide's reviewer is (``catalog.bilingual``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.forms.models import FormDefinition


def missing_english(definition: FormDefinition) -> list[str]:
    """Where the definition has Chinese and no English, in the reader's language, in the
    order of the form: its title, its sections, its questions, its materials."""
    layout, schema = definition.layout, definition.schema
    missing: list[str] = []
    if definition.title.strip() and not definition.title_en.strip():
        missing.append(_("The form's title"))
    sections = (layout or {}).get("sections") or []
    for section in sections:
        if str(section.get("title") or "").strip() and not section.get("title_en"):
            missing.append(_("Section %(title)s") % {"title": section["title"]})
    properties = (schema or {}).get("properties") or {}
    hints = (layout or {}).get("fields") or {}
    for name, prop in properties.items():
        hint = hints.get(name) or {}
        question = {"label": prop.get("title") or name, "name": name}
        if str(prop.get("title") or "").strip() and not hint.get("label_en"):
            missing.append(_("Question %(label)s (%(name)s)") % question)
        if _lacks_english(hint, "help"):
            missing.append(_("The help of question %(label)s (%(name)s)") % question)
        if _lacks_english(hint, "pattern_error"):
            missing.append(_("The error message of question %(label)s (%(name)s)") % question)
        if _lacks_english(hint, "enumNames"):
            missing.append(_("The choices of question %(label)s (%(name)s)") % question)
    for slot in definition.attachments or []:
        if str(slot.get("label") or "").strip() and not slot.get("label_en"):
            missing.append(_("Material %(label)s") % {"label": slot["label"]})
        if _lacks_english(slot, "help"):
            missing.append(_("The help of material %(label)s") % {"label": slot.get("label")})
    return missing


def _lacks_english(texts: dict[str, Any], key: str) -> bool:
    """Whether ``texts`` has a Chinese ``key`` (a text, or a list of them) and no
    ``key_en``: what an English page then shows in Chinese."""
    chinese = texts.get(key)
    filled = any(str(c).strip() for c in chinese) if isinstance(chinese, list) else chinese
    return bool(filled and str(filled).strip()) and not texts.get(f"{key}_en")


def as_sentence(missing: list[str]) -> str:
    return _("These texts have no English, so English pages show their Chinese: %(texts)s.") % {
        "texts": pgettext("list separator", ", ").join(missing)
    }
