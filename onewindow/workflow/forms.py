"""The processes' back office forms: the upload (a key, a name, the BPMN file and the DMN
files it calls, read as text here; what the files say is the service's to check) and a
trial run (sample case data and a decision for each step)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from onewindow.core import strict_json
from onewindow.core.errors import InvalidInput
from onewindow.core.form_fields import SiteForm
from onewindow.core.keys import KEY_CHARS, MAX_KEY_CHARS
from onewindow.core.templatetags.onewindow import localized
from onewindow.workflow import engine
from onewindow.workflow.choices import Outcome
from onewindow.workflow.data_names import DataName
from onewindow.workflow.files import read_decision_files, read_text
from onewindow.workflow.library import StepRow
from onewindow.workflow.simulation import default_outcome


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(one, initial) for one in data]
        return [super().clean(data, initial)] if data else []


def _text(upload: UploadedFile) -> str:
    try:
        return read_text(upload, "file")
    except InvalidInput as error:
        raise forms.ValidationError(str(error.message)) from None


class ProcessUploadForm(SiteForm):
    key = forms.CharField(
        label=pgettext_lazy("process", "Key"),
        max_length=MAX_KEY_CHARS,
        # Its own words: Django's slug message is jargon ("slug"), and its Chinese says 字段.
        validators=[
            RegexValidator(
                rf"\A{KEY_CHARS.pattern}\Z",
                _(
                    "Use only lower-case letters, digits, hyphens and underscores, starting "
                    "with a letter or a digit."
                ),
            )
        ],
        help_text=_(
            "Lower-case letters, digits, hyphens and underscores. An existing process's key "
            "uploads its next version; cases already started keep theirs."
        ),
    )
    name = forms.CharField(
        label=pgettext_lazy("process", "Name"),
        max_length=200,
        help_text=_(
            "In Chinese. English pages name the process by its process element's name_en "
            "property, where the file gives one."
        ),
    )
    bpmn = forms.FileField(
        label=_("BPMN file"),
        help_text=_("The process as Camunda Modeler or bpmn.io saved it (.bpmn)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".bpmn,.xml"}),
    )
    dmn = MultipleFileField(
        label=_("DMN files"),
        required=False,
        help_text=_("The decision tables the process calls, if any (.dmn; several at once)."),
        widget=MultipleFileInput(attrs={"accept": ".dmn,.xml"}),
    )

    def clean_bpmn(self) -> str:
        return _text(self.cleaned_data["bpmn"])

    def clean_dmn(self) -> dict[str, str]:
        try:
            return read_decision_files(self.cleaned_data["dmn"], "dmn")
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from None


def _reads_hint(reads: list[DataName]) -> str:
    """What to give: the names this version reads (with a decision table's label for
    each, where it has one), or that it reads none."""
    if not reads:
        return gettext("This version reads no case data: leave it empty.")
    separator = pgettext("list separator", ", ")
    named = separator.join(str(entry) for entry in reads)
    example = ", ".join(f'"{entry.name}": …' for entry in reads)
    return gettext(
        "The answers the process reads, as one JSON object. This version reads: "
        "%(names)s; e.g. {%(example)s}."
    ) % {"names": named, "example": example}


class TrialForm(SiteForm):
    """A trial run of a process version: the case data its conditions and decision
    tables read, and a decision for each of its officers' steps (``outcome_<id>``)."""

    case_data = forms.CharField(
        label=_("Case data (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "mono"}),
    )

    def __init__(
        self, *args: Any, steps: list[StepRow], reads: list[DataName], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.steps = steps
        self.fields["case_data"].help_text = _reads_hint(reads)
        for step in steps:
            offered = step.outcomes or tuple(Outcome.values)
            self.fields[f"outcome_{step.bpmn_id}"] = forms.ChoiceField(
                label=localized(step),
                choices=[(o, Outcome(o).label if o in Outcome.values else o) for o in offered],
                initial=default_outcome(step.outcomes),
                required=False,
            )

    def clean_case_data(self) -> dict[str, Any]:
        text = self.cleaned_data["case_data"].strip()
        if not text:
            return {}
        try:
            data = strict_json.loads(text)
        except strict_json.StrictJsonError as error:
            raise forms.ValidationError(str(error.message)) from None
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not JSON: the error is at line %(line)d, column %(column)d."),
                params={"line": error.lineno, "column": error.colno},
            ) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_('Give one JSON object: {"name": value, …}.'))
        try:
            engine.check_data(data)
        except engine.TaskInputError as error:
            raise forms.ValidationError(str(error.message)) from None
        return data

    def outcomes(self) -> dict[str, str]:
        """The decision chosen for each step that has one (after ``is_valid()``); the
        others go on (``simulation.default_outcome``)."""
        chosen = {
            step.bpmn_id: self.cleaned_data.get(f"outcome_{step.bpmn_id}") for step in self.steps
        }
        return {task: outcome for task, outcome in chosen.items() if outcome}
