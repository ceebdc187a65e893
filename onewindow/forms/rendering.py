"""Rendering a definition (or a merged life-event form) as accessible HTML, server-side.

``build_form`` turns the definition, the answers to show (posted or from a draft) and
the errors into plain view objects; ``templates/forms/render.html`` draws them. The
result is the inside of a form: the page supplies ``<form method="post"
enctype="multipart/form-data" novalidate>``, the CSRF token and the buttons, and links
``forms/forms.css``.

Conventions match ``form_fields.html``: ids ``id_<name>``, hints ``id_<name>_helptext``,
errors ``id_<name>_error``, both referenced by ``aria-describedby`` (an upload slot's
accepted types and size are a sentence of their own, ``id_<name>_types``); optional questions
say so in their label and required ones carry ``aria-required``. No ``required``
attribute: the browser must not stop an applicant saving a half-filled draft. Radio and
checkbox groups are fieldsets whose legend is the question. Texts come in the active
language (``*_en`` in English).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from onewindow.forms import spec
from onewindow.forms.attachments import upload_field_name
from onewindow.forms.filetypes import accept_attribute, slot_max_mb, type_labels

_INPUT_TYPES = {"email": "email", "tel": "tel", "date": "date"}
_DEFAULT_AUTOCOMPLETE = {"email": "email", "tel": "tel", "id_number": "off"}


@dataclass
class Option:
    value: str
    label: str
    id: str
    selected: bool
    attrs: str = ""  # flatatt output, already escaped and marked safe


@dataclass
class FieldView:
    name: str
    id: str
    label: str
    help: str
    widget: str
    required: bool
    errors: list[str]
    help_id: str
    error_id: str
    # Shown beside the label instead of "optional" when a condition may require it.
    condition: str = ""
    value: str = ""
    options: list[Option] = field(default_factory=list)
    is_group: bool = False
    multiple: bool = False
    described_by: str = ""
    attrs: str = ""  # flatatt output, already escaped and marked safe

    @property
    def anchor(self) -> str:
        """Where the error summary links to: the control, or a group's first option."""
        return self.options[0].id if self.is_group and self.options else self.id


@dataclass
class SectionView:
    title: str
    fields: list[FieldView]


@dataclass
class SlotView:
    key: str
    name: str
    id: str
    label: str
    help: str  # the slot's own words, if any
    hint: str  # the accepted types and size, a sentence of its own
    required: bool
    errors: list[str]
    help_id: str
    hint_id: str
    error_id: str
    uploaded: Any = None
    attrs: str = ""  # flatatt output, already escaped and marked safe


@dataclass
class SummaryItem:
    href: str
    label: str
    message: str


@dataclass
class RenderedForm:
    title: str
    sections: list[SectionView]
    slots: list[SlotView]
    summary: list[SummaryItem]

    @property
    def has_uploads(self) -> bool:
        return bool(self.slots)


def render_form(
    definition: spec.DefinitionLike,
    *,
    data: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[Any]] | None = None,
    uploaded: Mapping[str, Any] | None = None,
) -> SafeString:
    """The form's questions and upload slots as HTML (see ``build_form``)."""
    form = build_form(definition, data=data, errors=errors, uploaded=uploaded)
    return SafeString(render_to_string("forms/render.html", {"form": form}))


def build_form(
    definition: spec.DefinitionLike,
    *,
    data: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[Any]] | None = None,
    uploaded: Mapping[str, Any] | None = None,
) -> RenderedForm:
    """``data``: posted answers (a ``QueryDict``) or saved ones (a draft, cleaned data).
    ``errors``: ``InvalidInput.fields`` from ``validate_data`` or ``store_attachment``.
    ``uploaded``: attachments already stored, by slot key."""
    data = data or {}
    errors = errors or {}
    uploaded = uploaded or {}
    required = set(definition.schema.get("required", []))
    conditional: dict[str, list[str]] = {}
    for condition in spec.conditions(definition.schema):
        answer = spec.answer_label(definition, condition.field, condition.answer)
        for name in condition.required:
            conditional.setdefault(name, []).append(answer)
    sections = [
        SectionView(
            title=spec.localized(section, "title"),
            fields=[
                _field(
                    definition,
                    name,
                    data,
                    errors.get(name) or [],
                    name in required,
                    conditional.get(name, []),
                )
                for name in section["fields"]
            ],
        )
        for section in definition.layout["sections"]
    ]
    slots = [
        _slot(slot, errors.get(upload_field_name(slot["key"])) or [], uploaded.get(slot["key"]))
        for slot in definition.attachments or []
    ]
    summary = [SummaryItem("", "", str(m)) for m in errors.get("__all__") or []]
    summary += [
        SummaryItem(f"#{f.anchor}", f.label, str(message))
        for section in sections
        for f in section.fields
        for message in f.errors
    ]
    summary += [SummaryItem(f"#{s.id}", s.label, message) for s in slots for message in s.errors]
    title = getattr(definition, "display_title", None)
    return RenderedForm(
        title=title() if callable(title) else "", sections=sections, slots=slots, summary=summary
    )


def question_inputs(
    definition: spec.DefinitionLike,
    names: Iterable[str],
    *,
    data: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[Any]] | None = None,
) -> list[FieldView]:
    """Some of the form's questions, each required, with ``data`` (the answers given, or
    as posted) and ``errors`` by question: what an answer to a supplement request that
    asks for answers corrected shows. Rendered with ``forms/_field.html``."""
    data, errors = data or {}, errors or {}
    return [_field(definition, name, data, errors.get(name) or [], True) for name in names]


def upload_inputs(
    slots: Iterable[Mapping[str, Any]],
    *,
    errors: Mapping[str, list[Any]] | None = None,
    uploaded: Mapping[str, Any] | None = None,
) -> list[SlotView]:
    """The file inputs of these slots (of a form, or a material a supplement request
    named in words, with the types and size it takes: what an answer to a request
    (补正) sends), each required unless the slot says ``"required": False``, with
    ``errors`` (by input name) and the files already ``uploaded`` (by slot) as
    ``build_form`` takes them. Rendered with ``forms/_slot.html``."""
    errors, uploaded = errors or {}, uploaded or {}
    return [
        _slot(
            {**slot, "required": slot.get("required") is not False},
            errors.get(upload_field_name(slot["key"])) or [],
            uploaded.get(slot["key"]),
        )
        for slot in slots
    ]


def _display(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _values(data: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    raw = getlist(name) if getlist is not None else data.get(name)
    if raw is None:
        return []
    return [_display(v) for v in raw] if isinstance(raw, list | tuple) else [_display(raw)]


def _choices(prop: dict[str, Any], hints: dict[str, Any]) -> list[tuple[str, str]]:
    if prop.get("type") == "boolean":
        return [("true", _("Yes")), ("false", _("No"))]
    values = prop.get("enum") or (prop.get("items") or {}).get("enum") or []
    names = (spec.is_english() and hints.get("enumNames_en")) or hints.get("enumNames") or []
    labels = [str(n) for n in names] if len(names) == len(values) else [str(v) for v in values]
    return [(_display(v), label) for v, label in zip(values, labels, strict=True)]


def _field(
    definition: spec.DefinitionLike,
    name: str,
    data: Mapping[str, Any],
    messages: list[Any],
    required: bool,
    required_if: Iterable[str] = (),
) -> FieldView:
    prop = definition.schema["properties"][name]
    hints = spec.field_hints(definition, name)
    widget = spec.widget_for(prop, hints)
    view = FieldView(
        name=name,
        id=f"id_{name}",
        label=spec.field_label(definition, name),
        help=spec.localized(hints, "help"),
        widget=widget,
        required=required,
        errors=[str(m) for m in messages],
        help_id=f"id_{name}_helptext",
        error_id=f"id_{name}_error",
    )
    answers = list(required_if)
    if len(answers) == 1 and not required:
        view.condition = _("required if you choose “%(answer)s”") % {"answer": answers[0]}
    elif answers and not required:
        view.condition = _("required for some of your answers")
    view.described_by = " ".join(
        part
        for part, present in ((view.help_id, view.help), (view.error_id, view.errors))
        if present
    )
    values = _values(data, name)
    view.value = values[-1] if values else ""
    invalid = "true" if view.errors else None
    is_array = prop.get("type") == "array"
    if widget == "radio" or (widget == "checkbox" and is_array):
        view.is_group = True
        for index, (value, label) in enumerate(_choices(prop, hints)):
            option_id = f"id_{name}_{index}"
            selected = value in values
            option = Option(value=value, label=label, id=option_id, selected=selected)
            option.attrs = flatatt(
                {
                    "type": widget,
                    "id": option_id,
                    "name": name,
                    "value": value,
                    "checked": selected,
                    "aria-invalid": invalid,
                }
            )
            view.options.append(option)
        return view
    attrs: dict[str, Any] = {
        "id": view.id,
        "name": name,
        "aria-describedby": view.described_by or None,
        "aria-invalid": invalid,
        "aria-required": "true" if required else None,
        "autocomplete": hints.get("autocomplete") or _DEFAULT_AUTOCOMPLETE.get(widget),
    }
    if widget == "checkbox":  # a single yes/no box
        checked = view.value in ("true", "on", "1", "yes")
        attrs.update({"type": "checkbox", "value": "true", "checked": checked})
    elif widget == "select":
        view.multiple = is_array
        attrs["multiple"] = is_array
        view.options = [
            Option(value=value, label=label, id="", selected=value in values)
            for value, label in _choices(prop, hints)
        ]
    elif widget == "textarea":
        attrs["rows"] = "5"
    else:
        attrs["type"] = _INPUT_TYPES.get(widget, "text")
        attrs["value"] = view.value
        if widget == "number":
            attrs["inputmode"] = "numeric" if prop.get("type") == "integer" else "decimal"
        if widget in ("id_number", "email"):
            attrs["spellcheck"] = "false"
        if widget == "id_number":
            attrs["autocapitalize"] = "characters"
        if widget == "date":
            # The date picker offers only days within the bounds; the server checks them.
            for keyword, attribute in (("notBefore", "min"), ("notAfter", "max")):
                bound = spec.date_bound(prop.get(keyword))
                attrs[attribute] = bound.isoformat() if bound else None
    view.attrs = flatatt(attrs)
    return view


def _slot(slot: dict[str, Any], messages: list[Any], uploaded: Any) -> SlotView:
    key = str(slot["key"])
    name = upload_field_name(key)
    size = slot_max_mb(slot)
    view = SlotView(
        key=key,
        name=name,
        id=f"id_{name}",
        label=spec.localized(slot, "label"),
        help=spec.localized(slot, "help"),
        hint=_("Accepted: %(types)s; up to %(size)s MB.")
        % {"types": type_labels(slot["types"]), "size": int(size) if size.is_integer() else size},
        required=bool(slot.get("required")),
        errors=[str(m) for m in messages],
        help_id=f"id_{name}_helptext",
        hint_id=f"id_{name}_types",
        error_id=f"id_{name}_error",
        uploaded=uploaded,
    )
    view.attrs = flatatt(
        {
            "type": "file",
            "id": view.id,
            "name": name,
            "accept": accept_attribute(slot["types"]),
            "aria-describedby": " ".join(
                ([view.help_id] if view.help else [])
                + [view.hint_id]
                + ([view.error_id] if view.errors else [])
            ),
            "aria-invalid": "true" if view.errors else None,
            "aria-required": "true" if view.required and not uploaded else None,
        }
    )
    return view
