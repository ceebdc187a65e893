"""Answers corrected with a supplement (补正): which questions they answer, checked as
the application's were, and the life event's own answers kept in step.

An item's case holds its answers under its form's names; the life event it belongs to
holds the applicant's answers under the merged form's (``forms.merge``: ``<form
key>__<name>``, a shared question under its own name), which is what the applicant
filled in and what the event's page shows. A correction may name a question either way;
one that names no question of the item, or one the request does not ask to have
corrected, is refused rather than dropped, so the applicant is never told a correction
was made that was not. The event's answer follows the item's;
the other items keep what their departments were given (a shared question corrected
for one department is not re-decided by the others).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import Case
from onewindow.core.errors import InvalidInput
from onewindow.forms.merge import merge_definitions
from onewindow.forms.prefill import not_the_applicants
from onewindow.forms.validation import validate_data

NOT_A_QUESTION = _("This application has no such question.")
NOT_ASKED = _("The request does not ask to correct this answer.")


@dataclass(frozen=True)
class Correction:
    case: Case
    data: dict[str, Any]  # the item's answers, corrected and checked
    parent: Case | None = None  # the life event the item belongs to
    # The event's answers to set, by merged name; None removes one (an optional answer
    # the correction cleared).
    parent_changes: dict[str, Any] = field(default_factory=dict)

    def parent_data(self, current: Mapping[str, Any]) -> dict[str, Any]:
        """The event's answers ``current`` with the correction made."""
        corrected = dict(current)
        for name, value in self.parent_changes.items():
            if value is None:
                corrected.pop(name, None)
            else:
                corrected[name] = value
        return corrected


def correct(
    case: Case, given: Mapping[str, Any], language: str | None, *, asked: Collection[str]
) -> Correction:
    """``given`` (question → answer) applied to the case's answers and checked by its
    form; ``InvalidInput`` naming each question the case's form does not ask (under its
    own name or, for a life event's item, the event form's), each one ``asked`` (the
    item's names of the questions the request asks to have corrected) leaves out, or
    each answer refused.

    Only the questions asked: a fact a gateway or rule has already tested (an amount
    deciding a second review, say) is not tested again, so an applicant free to change
    any answer could change what decided the case's route after the fact (security QA).
    The officer who asks reads the corrected answer."""
    if case.form is None:
        message = _("This case has no form to correct.")
        raise InvalidInput(message, fields={"data": [message]})
    parent = Case.objects.filter(pk=case.parent_id).first() if case.parent_id else None
    from_event = _event_names(case, parent) if parent is not None else {}
    own_names = set(case.form.schema.get("properties", {}))
    own: dict[str, Any] = {}
    sent_as: dict[str, str] = {}  # the item's name → the name the correction gave
    unknown: dict[str, list[Any]] = {}
    for name, value in given.items():
        if name in own_names or name in from_event:
            item_name = name if name in own_names else from_event[name]
            if item_name in asked:
                own[item_name], sent_as[item_name] = value, name
            else:
                unknown[name] = [NOT_ASKED]
        else:
            unknown[name] = [NOT_A_QUESTION]
    if unknown:
        raise InvalidInput(
            _("Some answers need correcting."), code="invalid_answers", fields=unknown
        )
    try:
        data = validate_data(case.form, {**case.data, **own}, language)
    except InvalidInput as refused:
        # Each problem under the name the correction used for it.
        raise InvalidInput(
            refused.message,
            code=refused.code,
            fields={sent_as.get(n, n): m for n, m in refused.fields.items()},
        ) from refused
    if wrong := not_the_applicants(case.form, data, case.applicant):
        fields = {sent_as.get(n, n): m for n, m in wrong.items()}
        raise InvalidInput(
            _("Some answers need correcting."), code="invalid_answers", fields=fields
        )
    if parent is None:
        return Correction(case, data)
    changes = {
        event_name: data.get(name)
        for event_name, name in from_event.items()
        if name in own and parent.data.get(event_name) != data.get(name)
    }
    return Correction(case, data, parent, changes)


def _event_names(case: Case, parent: Case) -> dict[str, str]:
    """The event form's names of the item's questions: merged name → the item's name."""
    assert case.form is not None
    forms = [
        child.form
        for child in Case.objects.filter(parent=parent).select_related("form").order_by("pk")
        if child.form is not None
    ]
    merged = merge_definitions(forms, title=parent.service_name, title_en=parent.service_name_en)
    return {
        merged_name: original
        for merged_name, origins in merged.sources.items()
        for form_key, original in origins
        if form_key == case.form.key
    }
