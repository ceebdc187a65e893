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

from onewindow.cases.models import SupplementRequest
from onewindow.cases.supplement_materials import answer_slots
from onewindow.core.errors import InvalidInput
from onewindow.core.numbers import whole_number
from onewindow.forms import spec
from onewindow.forms.rendering import RenderedForm, SummaryItem, upload_inputs


def answer_form(
    supplement: SupplementRequest, errors: dict[str, list[Any]], kept: dict[str, Any]
) -> RenderedForm:
    """The supplement's file inputs (again after a refused answer: each marked with its
    error, files stored by the attempt kept, ``kept`` by slot), and their summary."""
    slots = upload_inputs(answer_slots(supplement), errors=errors, uploaded=kept)
    summary = [SummaryItem("", "", str(m)) for m in errors.get("__all__") or []]
    summary += [SummaryItem(f"#{s.id}", s.label, m) for s in slots for m in s.errors]
    return RenderedForm(title="", sections=[], slots=slots, summary=summary)


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
