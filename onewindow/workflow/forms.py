"""The processes' back office upload form: a key, a name, the BPMN file and the DMN
files it calls, read as text here; what the files say is the service's to check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onewindow.core.errors import InvalidInput
from onewindow.workflow.files import read_decision_files, read_text


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


class ProcessUploadForm(forms.Form):
    key = forms.SlugField(
        label=pgettext_lazy("process", "Key"),
        max_length=64,
        help_text=_(
            "Letters, digits, hyphens and underscores. An existing process's key uploads "
            "its next version; cases already started keep theirs."
        ),
    )
    name = forms.CharField(label=pgettext_lazy("process", "Name"), max_length=200)
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
