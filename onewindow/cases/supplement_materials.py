"""The files an answer to a supplement request (补正) gives: one per material asked for.

A material of the application's form is asked for by its slot and answered through it
(its file types and size). A material the officer named in words, not one of the
form's ("the newborn's photo"), gets an upload slot of its own for that request, taking
the common document types, so the applicant can send it online like the others.

Every file asked for is required: an officer who names a material means to receive it,
and an answer without it would restart the clocks with the case no more complete. An
item asking for a corrected answer rather than a file names a question of the form
("落户地址"): the answer corrects it (``question_of``), with no file. One the officer
marks ``NEEDS_FILE`` false and names no question is an explanation (情况说明): the
answer writes it (``explanation_numbers``). Each item records whether it needs a file
when asked (``needs_file``). Requests stored before items recorded it made every
material named in words an optional file, and showed it so to the applicant; they keep
that rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import pgettext

from onewindow.cases.models import SupplementRequest
from onewindow.forms import spec

OTHER_TYPES = ("pdf", "jpg", "png")
OTHER_MAX_MB = 10
OTHER_PREFIX = "supplement-"


def other_slot_key(supplement: SupplementRequest, index: int) -> str:
    """The slot of the request's ``index``-th item, a material named in words. Its "-"
    keeps it apart from every form's slot keys, which are field-like names."""
    return f"{OTHER_PREFIX}{supplement.pk}-{index + 1}"


def is_other_slot_key(key: str) -> bool:
    """Whether a file's slot is one ``other_slot_key`` made."""
    return key.startswith(OTHER_PREFIX)


# An item's key: whether its answer must bring a file (``requires_file``).
NEEDS_FILE = "needs_file"


def requires_file(item: Mapping[str, Any]) -> bool:
    """Whether an answer must bring a file for a requested material: one of the form's
    slots always; a material named in words unless the officer asked for no file (or,
    in a request stored before items said so, as it was then: never)."""
    return bool(item["slot"]) or bool(item.get(NEEDS_FILE, False))


def names_a_question(material: str, definition: spec.DefinitionLike | None) -> bool:
    """Whether a material named in words is a question of the application's form, by
    its Chinese title or its English label (spaces and case aside): the officer asks
    for that answer corrected, which needs no file."""
    return _question_named(material, definition) is not None


def _question_named(material: str, definition: spec.DefinitionLike | None) -> str | None:
    if definition is None:
        return None
    wanted = " ".join(material.split()).casefold()
    if not wanted:
        return None
    for name in definition.schema.get("properties", {}):
        for language in ("zh-hans", "en"):
            label = spec.field_label(definition, name, language)
            if " ".join(label.split()).casefold() == wanted:
                return name
    return None


def question_of(item: Mapping[str, Any], supplement: SupplementRequest) -> str | None:
    """The form's question an item asks to have corrected (its property's name), or
    None: an item asking for a file (``requires_file``) or of a request stored before
    items said whether they need one asks for none."""
    if requires_file(item) or NEEDS_FILE not in item:
        return None
    return _question_named(str(item["material"]), supplement.case.form)


def explanation_numbers(supplement: SupplementRequest) -> dict[str, str]:
    """The items answered in words (an explanation: no file, no question of the form),
    by their number in the request (from 1, as the answer names them), with their
    material in the reader's language."""
    return {
        str(index + 1): material_name(item, supplement)
        for index, item in enumerate(supplement.items)
        if item.get(NEEDS_FILE) is False and question_of(item, supplement) is None
    }


def corrected_questions(supplement: SupplementRequest) -> list[str]:
    """The form's questions the request asks to have corrected, in its order, once."""
    found = (question_of(item, supplement) for item in supplement.items)
    return list(dict.fromkeys(name for name in found if name is not None))


def material_name(item: Mapping[str, Any], supplement: SupplementRequest) -> str:
    """A requested material's name in the reader's language: a form's material the
    officer left as the form names it is the form's label in that language (the request
    keeps the Chinese, as the officer saw it); a name typed in words stays as typed."""
    form = supplement.case.form
    slot = next((s for s in (form.attachments if form else []) if s["key"] == item["slot"]), None)
    if slot is not None and item["material"] in {slot.get("label"), slot["key"]}:
        return spec.localized(slot, "label")
    question = question_of(item, supplement)
    if question is not None and form is not None:  # the question as the reader's form asks it
        return spec.field_label(form, question)
    return str(item["material"])


def requested(supplement: SupplementRequest) -> list[dict[str, Any]]:
    """The request's items as a page lists them: each material named in the reader's
    language (``material_name``), with the reason the officer gave."""
    return [{**item, "material": material_name(item, supplement)} for item in supplement.items]


def requested_lazily(supplement: SupplementRequest) -> list[dict[str, Any]]:
    """``requested``, each name read when it is shown: a notice is written once per
    language the site is read in, each copy naming the materials in its own."""
    name = lazy(material_name, str)
    return [{**item, "material": name(item, supplement)} for item in supplement.items]


def items_text(supplement: SupplementRequest) -> str:
    """The request as its timeline entry says it to the applicant, in the reader's
    language: a line per material and why, then the officer's note."""
    lines = [
        pgettext("a requested material and what is missing or wrong", "%(material)s: %(reason)s")
        % item
        for item in requested(supplement)
    ]
    return "\n".join([*lines, supplement.note] if supplement.note else lines)


def unanswered(supplement: SupplementRequest) -> list[str]:
    """The materials named in words that an answer came without a file for, in the
    reader's language: only one of a request stored before items said whether they need
    a file can (its file was optional), and the officer must see at once that it did not
    come, rather than find no file under it. A correction or an explanation needs none."""
    sent = {attachment.slot for attachment in supplement.answer_attachments.all()}
    return [
        material_name(item, supplement)
        for index, item in enumerate(supplement.items)
        if NEEDS_FILE not in item
        and not item["slot"]
        and other_slot_key(supplement, index) not in sent
    ]


def answer_slots(supplement: SupplementRequest) -> list[dict[str, Any]]:
    """The upload slots of an answer, in the request's order, each with its key,
    label, types, size, whether it is ``required``, and for a material named in words
    ``named_in_words``."""
    form = supplement.case.form
    of_form = {slot["key"]: slot for slot in (form.attachments if form else [])}
    slots = []
    for index, item in enumerate(supplement.items):
        if item["slot"]:
            if item["slot"] in of_form:  # asked for now, though optional on the form
                slots.append({**of_form[item["slot"]], "required": requires_file(item)})
        elif item.get(NEEDS_FILE) is False:
            continue  # a correction or an explanation: answered in words, no file
        else:
            slots.append(
                {
                    "key": other_slot_key(supplement, index),
                    "label": item["material"],
                    "types": list(OTHER_TYPES),
                    "max_mb": OTHER_MAX_MB,
                    "required": requires_file(item),
                    "named_in_words": True,
                }
            )
    return slots


def own_slots(slots: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Of ``answer_slots``, those of materials named in words, by key: the form has
    none of them, so their uploads are checked against these slots."""
    return {slot["key"]: slot for slot in slots if slot.get("named_in_words")}
