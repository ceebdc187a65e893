"""One form for a life event: several definitions merged so each shared question is asked once.

A property marked ``"x-shared": true`` keeps its name and is asked once for every
definition that shares it (the applicant's name, the child's birth date...). Every other
property is namespaced ``<definition key>__<field>``; property names never contain a
double underscore (``spec.NAME_PATTERN``), so nothing collides. Attachment slots marked
``"shared": true`` are likewise asked once (accepting only the types all of them accept,
up to the smallest size limit).

The merged form has the same ``schema``/``layout``/``attachments`` shape as a definition,
so ``validate_data`` and ``render_form`` take it as they are; ``split_merged_data`` then
gives each definition its own answers back under its own field names.

Layout: sections with the same title in several definitions ("About you", "About the
baby") are common; their shared questions come first, once, under that title, and each
definition's own questions in them follow under "<form title>: <section title>". A
section only one definition has is kept whole under "<form title>: <section title>",
shared questions included (asked there, once), so a bank is not torn from its account
number. A common section that closes every definition having it (the declaration)
closes the merged form too. One definition alone keeps its sections as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core.errors import InvalidInput
from onewindow.forms import spec
from onewindow.forms.models import FormDefinition

SEPARATOR = "__"
# Keywords that must agree exactly between definitions sharing a property.
_MUST_AGREE = ("type", "format", "enum", "items", "pattern")
_LOWER_BOUNDS = ("minLength", "minimum", "minItems")
_UPPER_BOUNDS = ("maxLength", "maximum", "maxItems")
Sources = dict[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class MergedForm:
    key: str
    title: str
    title_en: str
    schema: dict[str, Any]
    layout: dict[str, Any]
    attachments: list[dict[str, Any]]
    definitions: tuple[FormDefinition, ...]
    # merged name -> [(definition key, name in that definition)]
    sources: Sources = field(default_factory=dict)
    slot_sources: Sources = field(default_factory=dict)

    def display_title(self, language: str | None = None) -> str:
        return self.title_en if spec.is_english(language) and self.title_en else self.title

    def slot(self, key: str) -> dict[str, Any] | None:
        return next((slot for slot in self.attachments if slot.get("key") == key), None)

    def slot_origin(self, key: str) -> tuple[FormDefinition, str]:
        """The definition and slot key an upload to merged slot ``key`` belongs to (the
        first definition that asks for it)."""
        definition_key, slot_key = self.slot_sources[key][0]
        return next(d for d in self.definitions if d.key == definition_key), slot_key


def merge_definitions(
    definitions: Sequence[FormDefinition], *, title: str = "", title_en: str = ""
) -> MergedForm:
    keys = [definition.key for definition in definitions]
    if not definitions or len(set(keys)) != len(keys):
        raise InvalidInput(
            gettext_lazy("Merge at least one form, each only once."), code="merge_conflict"
        )
    conflicts: dict[str, list[Any]] = {}
    properties, sources, required = _merge_properties(definitions, conflicts)
    attachments, slot_sources = _merge_attachments(definitions, conflicts)
    if conflicts:
        raise InvalidInput(
            gettext_lazy("These forms cannot be merged: shared fields disagree."),
            code="merge_conflict",
            fields=conflicts,
        )
    schema: dict[str, Any] = {
        "$schema": spec.DRAFT_2020_12,
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name in required],
    }
    # Each definition's conditions, on the merged names of its questions.
    rules = [
        spec.condition_rule(
            spec.Condition(
                merged_name(definition, condition.field),
                condition.answer,
                tuple(merged_name(definition, name) for name in condition.required),
            )
        )
        for definition in definitions
        for condition in spec.conditions(definition.schema)
    ]
    if rules:
        schema["allOf"] = rules
    return MergedForm(
        key="+".join(keys),
        title=title or "、".join(d.title for d in definitions),
        title_en=title_en or ", ".join(d.title_en or d.title for d in definitions),
        schema=schema,
        layout=_merge_layout(definitions, sources),
        attachments=attachments,
        definitions=tuple(definitions),
        sources=sources,
        slot_sources=slot_sources,
    )


def merged_name(definition: FormDefinition, name: str) -> str:
    prop = definition.schema["properties"][name]
    return name if prop.get("x-shared") is True else f"{definition.key}{SEPARATOR}{name}"


def _merge_properties(
    definitions: Sequence[FormDefinition], conflicts: dict[str, list[Any]]
) -> tuple[dict[str, Any], Sources, set[str]]:
    properties: dict[str, Any] = {}
    sources: Sources = {}
    owner: dict[str, str] = {}
    required: set[str] = set()
    for definition in definitions:
        definition_required = set(definition.schema.get("required", []))
        for name in spec.layout_order(definition):
            prop = _renamed(definition, definition.schema["properties"][name])
            target = merged_name(definition, name)
            if target in properties:
                problem = _combine(properties[target], prop)
                if problem:
                    conflicts.setdefault(target, []).append(
                        _(
                            "The shared field %(name)s is defined differently in %(first)s "
                            "and %(second)s (%(keyword)s)."
                        )
                        % {
                            "name": target,
                            "first": owner[target],
                            "second": definition.key,
                            "keyword": problem,
                        }
                    )
            else:
                properties[target] = dict(prop)
                owner[target] = definition.key
            sources.setdefault(target, []).append((definition.key, name))
            if name in definition_required:
                required.add(target)
    return properties, sources, required


def _renamed(definition: FormDefinition, prop: dict[str, Any]) -> dict[str, Any]:
    """The property as the merged form has it: the answer it names (``matchesIdNumber``)
    under its merged name."""
    if spec.ID_MATCH not in prop:
        return prop
    return {**prop, spec.ID_MATCH: merged_name(definition, prop[spec.ID_MATCH])}


def _combine(merged: dict[str, Any], other: dict[str, Any]) -> str:
    """Fold ``other`` into ``merged`` (the stricter bounds win) or name the keyword that
    disagrees."""
    for keyword in _MUST_AGREE:
        if merged.get(keyword) != other.get(keyword):
            return keyword
    # The applicant's own where any of the forms says so.
    if other.get(spec.APPLICANTS_OWN) is True:
        merged[spec.APPLICANTS_OWN] = True
    # Filled from the account where any of the forms fills it, from the same answer.
    # Likewise a number's holder's sex where any says it (a mother's is a woman's); two
    # forms that want different sexes of one number cannot both be answered.
    for keyword in ("x-prefill", spec.ID_MATCH, spec.HOLDER_SEX):
        wanted = other.get(keyword)
        if wanted and merged.setdefault(keyword, wanted) != wanted:
            return str(keyword)
    for keyword in _LOWER_BOUNDS:
        if keyword in other:
            merged[keyword] = max(merged.get(keyword, other[keyword]), other[keyword])
    for keyword in _UPPER_BOUNDS:
        if keyword in other:
            merged[keyword] = min(merged.get(keyword, other[keyword]), other[keyword])
    for low, high in zip(_LOWER_BOUNDS, _UPPER_BOUNDS, strict=True):
        if low in merged and high in merged and merged[low] > merged[high]:
            return f"{low}/{high}"
    return _combine_date_bounds(merged, other)


def _combine_date_bounds(merged: dict[str, Any], other: dict[str, Any]) -> str:
    """Dates' bounds as the other bounds (the stricter wins), or the keyword whose values
    cannot be ordered: ``"today"`` against a fixed date is stricter on some days only."""
    for keyword, stricter in (("notBefore", max), ("notAfter", min)):
        if keyword not in other:
            continue
        mine, theirs = merged.get(keyword, other[keyword]), other[keyword]
        if mine != theirs and spec.TODAY in (mine, theirs):
            return keyword
        merged[keyword] = stricter(mine, theirs)  # ISO dates order as their strings
    low, high = merged.get("notBefore"), merged.get("notAfter")
    if low and high and spec.TODAY not in (low, high) and low > high:
        return "notBefore/notAfter"
    return ""


def _merge_layout(definitions: Sequence[FormDefinition], sources: Sources) -> dict[str, Any]:
    titles = [[section["title"] for section in d.layout["sections"]] for d in definitions]
    having = Counter(title for each in titles for title in set(each))
    common = {title for title, count in having.items() if count > 1}
    closing = {
        title for title in common if all(each[-1] == title for each in titles if title in each)
    }
    shared_sections: list[dict[str, Any]] = []
    own_sections: list[dict[str, Any]] = []
    closing_sections: list[dict[str, Any]] = []
    hints: dict[str, Any] = {}
    placed: set[str] = set()
    for definition in definitions:
        for section in definition.layout["sections"]:
            shared: list[str] = []
            own: list[str] = []
            for name in section["fields"]:
                target = merged_name(definition, name)
                if target in placed:
                    continue
                placed.add(target)
                if definition_hints := spec.field_hints(definition, name):
                    hints[target] = definition_hints
                is_shared = SEPARATOR not in target and section["title"] in common
                (shared if is_shared else own).append(target)
            if shared:
                into = closing_sections if section["title"] in closing else shared_sections
                same = next((s for s in into if s["title"] == section["title"]), None)
                if same:
                    same["fields"].extend(shared)
                else:
                    into.append({**section, "fields": shared})
            if own:
                own_sections.append(
                    {
                        "title": f"{definition.title}：{section['title']}",
                        "title_en": f"{definition.title_en or definition.title}: "
                        f"{section.get('title_en') or section['title']}",
                        "fields": own,
                    }
                )
    if len(definitions) == 1:
        # Nothing is shared with another form: its sections stay as they are.
        own_sections = [
            {**section, "fields": [merged_name(definitions[0], name) for name in section["fields"]]}
            for section in definitions[0].layout["sections"]
        ]
    return {"sections": shared_sections + own_sections + closing_sections, "fields": hints}


def _merge_attachments(
    definitions: Sequence[FormDefinition], conflicts: dict[str, list[Any]]
) -> tuple[list[dict[str, Any]], Sources]:
    slots: dict[str, dict[str, Any]] = {}
    slot_sources: Sources = {}
    for definition in definitions:
        for slot in definition.attachments or []:
            shared = slot.get("shared") is True
            target = slot["key"] if shared else f"{definition.key}{SEPARATOR}{slot['key']}"
            if target in slots:
                merged = slots[target]
                merged["types"] = [t for t in merged["types"] if t in slot["types"]]
                merged["max_mb"] = min(merged["max_mb"], slot["max_mb"])
                merged["required"] = bool(merged.get("required") or slot.get("required"))
                if not merged["types"]:
                    conflicts.setdefault(target, []).append(
                        _("The shared attachment %(key)s has no file type all forms accept.")
                        % {"key": target}
                    )
            else:
                slots[target] = {**slot, "key": target, "types": list(slot["types"])}
            slot_sources.setdefault(target, []).append((definition.key, slot["key"]))
    return list(slots.values()), slot_sources


def split_merged_data(merged: MergedForm, data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each definition's answers under its own field names: ``{definition key: data}``."""
    split: dict[str, dict[str, Any]] = {definition.key: {} for definition in merged.definitions}
    for name, value in data.items():
        for definition_key, original in merged.sources.get(name, []):
            split[definition_key][original] = value
    return split


def join_split_data(merged: MergedForm, split: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The reverse of ``split_merged_data``, e.g. to refill a merged form from per-item
    drafts: a shared answer comes from the first definition that has it."""
    joined: dict[str, Any] = {}
    for name, origins in merged.sources.items():
        for definition_key, original in origins:
            answers = split.get(definition_key) or {}
            if original in answers:
                joined[name] = answers[original]
                break
    return joined
