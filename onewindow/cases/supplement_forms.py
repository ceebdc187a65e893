"""The two supplement (补正) forms as their pages show them again after a refusal: the
officer's request on the task page (a checkbox and a reason per material of the
application, and another material by name) and the applicant's answer on the case page
(an upload per material asked for, ``supplement_materials``). Each problem goes to its
input and into the page's error summary, naming the material; nothing here stores
anything."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from onewindow.cases import supplement_materials
from onewindow.cases.models import SupplementRequest
from onewindow.cases.supplement_materials import answer_slots
from onewindow.core.errors import InvalidInput
from onewindow.core.numbers import whole_number
from onewindow.forms import spec
from onewindow.forms.attachments import upload_field_name
from onewindow.forms.rendering import (
    FieldView,
    RenderedForm,
    SectionView,
    SummaryItem,
    question_inputs,
    upload_inputs,
)


@dataclass(frozen=True)
class ExplanationInput:
    """A box for an explanation the request asks for in words (情况说明), by the item's
    number (``supplement_materials.explanation_numbers``)."""

    number: str
    label: str
    value: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"explanation_{self.number}"

    @property
    def id(self) -> str:
        return f"id_explanation_{self.number}"


@dataclass
class AnswerForm(RenderedForm):
    """The answer's inputs: the questions to correct (``sections``' only one), the
    explanations to write, the files to send (``slots``)."""

    explanations: list[ExplanationInput] = field(default_factory=list)

    @property
    def questions(self) -> list[FieldView]:
        return self.sections[0].fields if self.sections else []


def answer_form(
    supplement: SupplementRequest,
    errors: dict[str, list[Any]],
    kept: dict[str, Any],
    posted: Mapping[str, Any] | None = None,
) -> AnswerForm:
    """The supplement's inputs: each question it asks to have corrected (with the case's
    answer, or as ``posted``), a box per explanation, a file input per material; again
    after a refused answer, each marked with its error (``errors`` by input name: a
    question's, ``explanation_<n>``, an upload's), files stored by the attempt kept
    (``kept`` by slot); and their summary."""
    form = supplement.case.form
    questions = supplement_materials.corrected_questions(supplement)
    fields = (
        question_inputs(
            form,
            questions,
            data=posted if posted is not None else supplement.case.data,
            errors=errors,
        )
        if form is not None and questions
        else []
    )
    explanations = [
        ExplanationInput(
            number,
            label,
            value=(posted or {}).get(f"explanation_{number}", ""),
            errors=[str(m) for m in errors.get(f"explanation_{number}") or []],
        )
        for number, label in supplement_materials.explanation_numbers(supplement).items()
    ]
    slots = upload_inputs(answer_slots(supplement), errors=errors, uploaded=kept)
    summary = [SummaryItem("", "", str(m)) for m in errors.get("__all__") or []]
    summary += [SummaryItem(f"#{f.anchor}", f.label, m) for f in fields for m in f.errors]
    summary += [SummaryItem(f"#{e.id}", e.label, m) for e in explanations for m in e.errors]
    summary += [SummaryItem(f"#{s.id}", s.label, m) for s in slots for m in s.errors]
    sections = [SectionView(title="", fields=fields)] if fields else []
    return AnswerForm(
        title="", sections=sections, slots=slots, summary=summary, explanations=explanations
    )


def answer_error_fields(error: InvalidInput, supplement: SupplementRequest) -> dict[str, list[Any]]:
    """The service's refusal of an answer by the page's input names: ``attachments.<slot>``
    at the slot's upload, ``explanations.<n>`` at its box, ``data.<question>`` (and a
    correction's own, by question) at the question; the rest for the summary alone."""
    questions = set(supplement_materials.corrected_questions(supplement))
    fields: dict[str, list[Any]] = {}
    for name, messages in error.fields.items():
        if name.startswith("attachments."):
            target = upload_field_name(name.removeprefix("attachments."))
        elif name.startswith("explanations."):
            target = f"explanation_{name.removeprefix('explanations.')}"
        elif name.removeprefix("data.") in questions:
            target = name.removeprefix("data.")
        else:
            target = "__all__"
        fields.setdefault(target, []).extend(messages)
    return fields


@dataclass(frozen=True)
class SlotChoice:
    """A material of the application on the task page's supplement request form."""

    key: str
    label: str
    checked: bool = False
    reason: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RequestForm:
    slots: list[SlotChoice]
    errors: dict[str, list[str]]  # by input name
    summary: list[SummaryItem]
    posted: Mapping[str, Any]


def request_form(
    form: Any, posted: QueryDict | None, errors: dict[str, list[str]] | None
) -> RequestForm:
    """The request form for the case whose application ``form`` (a definition, or
    None) lists the materials; with ``errors`` (``request_errors``), as ``posted``."""
    errors = dict(errors or {})
    posted = posted if errors and posted is not None else QueryDict()
    slots = [
        SlotChoice(
            key=slot["key"],
            label=spec.localized(slot, "label") or slot["key"],
            checked=slot["key"] in posted.getlist("slot"),
            reason=posted.get(f"reason_{slot['key']}", ""),
            errors=errors.get(f"reason_{slot['key']}", []),
        )
        for slot in (form.attachments if form is not None else [])
    ]
    if not slots and "slot" in errors:  # no checkboxes to mark
        errors["other_material"] = errors.pop("slot")
    labels = {f"reason_{slot.key}": slot.label for slot in slots}
    labels |= {
        "note": _("Note for the applicant"),
        "slot": _("Materials of the application"),
        "other_material": _("Another material"),
        "other_reason": posted.get("other_material", "").strip() or _("Another material"),
    }
    # The materials' checkboxes are a group: its error leads to the first of them.
    anchors = {"note": "#id_supplement_note"}
    if slots:
        anchors["slot"] = f"#id_slot_{slots[0].key}"
    summary = [
        SummaryItem(anchors.get(name, f"#id_{name}"), labels.get(name, ""), message)
        for name, messages in errors.items()
        for message in messages
    ]
    return RequestForm(slots, errors, summary, posted)


def reasons_without_tick(posted: QueryDict) -> dict[str, list[str]]:
    """A reason typed for a material whose box is not ticked: meant, or left from a
    change of mind? Neither is guessed; the reason's input says so."""
    ticked = set(posted.getlist("slot"))
    return {
        name: [_("Tick this material to ask for it, or clear its reason.")]
        for name in posted
        if name.startswith("reason_")
        and str(posted.get(name, "")).strip()
        and name.removeprefix("reason_") not in ticked
    }


def request_errors(error: InvalidInput, items: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The service's errors (``items.<index>.<key>``) on the task page's inputs: a
    material's reason box, the other material's two, or the materials' checkboxes."""
    found: dict[str, list[str]] = {}
    for name, field_messages in error.fields.items():
        words = [str(m) for m in field_messages]
        parts = name.split(".")
        target = "slot"
        if name == "note":
            target = "note"
        elif not items:
            words = [_("Choose or name at least one material that is missing or wrong.")]
        elif (
            len(parts) == 3 and (index := whole_number(parts[1])) is not None and index < len(items)
        ):
            slot = items[index].get("slot")
            if parts[2] == "reason":
                target = f"reason_{slot}" if slot else "other_reason"
            elif parts[2] == "material":
                target = "other_material"
        found.setdefault(target, []).extend(words)
    return found
