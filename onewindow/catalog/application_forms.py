"""Back-office forms choosing what an item's online application runs on (its form and
process, each one version of its key) and a life event's process of the whole; the
services (``services.bind_application``, ``services.bind_event_process``) check who
may bind."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.forms import Choices, SummaryError, field_anchor
from onewindow.core.form_fields import SiteForm
from onewindow.core.templatetags.onewindow import localized
from onewindow.forms.models import FormDefinition
from onewindow.workflow.models import ProcessDefinition

Definition = TypeVar("Definition", FormDefinition, ProcessDefinition)


def definition_value(definition: FormDefinition | ProcessDefinition | None) -> str:
    """How the application page names a version: ``key:version``, "" for none."""
    return f"{definition.key}:{definition.version}" if definition else ""


def _grouped(
    definitions: Iterable[Definition], blank: str | Promise, title: Callable[[Definition], str]
) -> tuple[Choices, dict[str, Definition]]:
    """Choices with one group per key, and the version behind each value. The versions
    come key by key, newest first, so the first of a key is its newest."""
    groups: dict[str, Choices] = {}
    by_value: dict[str, Definition] = {}
    for definition in definitions:
        options = groups.setdefault(definition.key, [])
        label = f"{definition} — {title(definition)}"
        if not options:
            label = _("%(definition)s (newest)") % {"definition": label}
        value = definition_value(definition)
        options.append((value, label))
        by_value[value] = definition
    return [("", blank), *groups.items()], by_value


class SummarizedForm(SiteForm):
    """A form whose errors the page lists first (``_error_summary.html``)."""

    def error_summary(self) -> list[SummaryError]:
        lines = [SummaryError("", "", str(m)) for m in self.non_field_errors()]
        for field in self:
            lines += [
                SummaryError(field_anchor(field), str(field.label), str(m)) for m in field.errors
            ]
        return lines


class ApplicationForm(SummarizedForm):
    """The form and the process an item's online applications run on, each one version
    of its key. Only versions offered can be chosen; ``services.bind_application``
    checks who may bind and whether the item's draft may change."""

    form = forms.ChoiceField(
        label=_("Application form"),
        required=False,
        help_text=_("What the applicant fills in."),
        error_messages={"invalid_choice": _("No such form (or version).")},
    )
    process = forms.ChoiceField(
        label=_("Process"),
        required=False,
        help_text=_("Which departments handle the application, in which steps."),
        error_messages={"invalid_choice": _("No such process (or version).")},
    )

    def __init__(
        self,
        *args: Any,
        form_definitions: Iterable[FormDefinition],
        process_definitions: Iterable[ProcessDefinition],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        form_choices, self._forms = _grouped(
            form_definitions, _("No online application form"), lambda d: d.display_title()
        )
        process_choices, self._processes = _grouped(process_definitions, _("No process"), localized)
        for name, options in (("form", form_choices), ("process", process_choices)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def chosen_form(self) -> FormDefinition | None:
        """The form version chosen, or None; call after ``is_valid()``."""
        return self._forms.get(self.cleaned_data["form"])

    def chosen_process(self) -> ProcessDefinition | None:
        return self._processes.get(self.cleaned_data["process"])


class EventProcessForm(SummarizedForm):
    """The process a life event's items run in together: one version of a process, or
    none (each item runs its own). ``services.bind_event_process`` checks who may."""

    process = forms.ChoiceField(
        label=_("Process of the whole event"),
        required=False,
        help_text=_("The departments' steps for all the event's items, in one run."),
        error_messages={"invalid_choice": _("No such process (or version).")},
    )

    def __init__(
        self, *args: Any, process_definitions: Iterable[ProcessDefinition], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices, self._processes = _grouped(
            process_definitions, _("None: each item runs its own process"), localized
        )
        field = self.fields["process"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def chosen_process(self) -> ProcessDefinition | None:
        """The process version chosen, or None; call after ``is_valid()``."""
        return self._processes.get(self.cleaned_data["process"])
