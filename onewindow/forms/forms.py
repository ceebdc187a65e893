"""The forms' back office upload form: one definition file, read here as a JSON object
with the entries a definition file has (``library.FILE_ENTRIES``), each of its type.
Whether the schema, layout and materials make a form is ``schema.check_definition``'s
to say, when the service stores it."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core import strict_json
from onewindow.core.form_fields import SiteForm
from onewindow.forms.library import FILE_ENTRIES

MAX_FILE_MB = 1
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_TITLE_CHARS = 200  # FormDefinition.title and title_en

_TYPE_ERRORS: dict[type, Promise] = {
    str: gettext_lazy("%(name)s must be text."),
    dict: gettext_lazy("%(name)s must be a JSON object."),
    list: gettext_lazy("%(name)s must be a list."),
}


def read_definition_file(upload: UploadedFile) -> dict[str, Any]:
    """The file's definition, with ``title_en`` and ``attachments`` filled in when left
    out; ``ValidationError`` listing what is wrong with the file otherwise."""
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_FILE_MB}
        )
    try:
        text = data.decode("utf-8-sig")  # a byte order mark, as some editors save, is fine
    except UnicodeDecodeError:
        raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
    try:
        document = strict_json.loads(text)
    except strict_json.StrictJsonError as error:
        raise forms.ValidationError(str(error.message)) from None
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            _("The file is not valid JSON: the error is at line %(line)d, column %(column)d.")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    if not isinstance(document, dict):
        raise forms.ValidationError(
            _(
                "The file must hold one JSON object, with the form's key, title, title_en, "
                "schema, layout and attachments."
            )
        )
    return _entries(document)


def _entries(document: dict[str, Any]) -> dict[str, Any]:
    problems: list[str] = []
    missing = [
        name for name, (_kind, needed) in FILE_ENTRIES.items() if needed and name not in document
    ]
    if missing:
        problems.append(_("Missing from the file: %(names)s.") % {"names": ", ".join(missing)})
    unknown = sorted(set(document) - set(FILE_ENTRIES))
    if unknown:
        problems.append(
            _("The file has entries a form definition does not have: %(names)s.")
            % {"names": ", ".join(unknown)}
        )
    entries: dict[str, Any] = {"title_en": "", "attachments": []}
    for name, (kind, _needed) in FILE_ENTRIES.items():
        if name not in document:
            continue
        value = document[name]
        if not isinstance(value, kind):
            problems.append(str(_TYPE_ERRORS[kind]) % {"name": name})
        elif isinstance(value, str) and name != "key" and len(value) > MAX_TITLE_CHARS:
            problems.append(
                _("%(name)s is longer than %(limit)d characters.")
                % {"name": name, "limit": MAX_TITLE_CHARS}
            )
        entries[name] = value
    if problems:
        raise forms.ValidationError(problems)
    return entries


class DefinitionUploadForm(SiteForm):
    definition = forms.FileField(
        label=gettext_lazy("Definition file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["definition"].help_text = _(
            "A JSON file of at most %(limit)s MB with the form's key, title, title_en, "
            "schema, layout and attachments, as a version's download holds them."
        ) % {"limit": MAX_FILE_MB}

    def clean_definition(self) -> dict[str, Any]:
        return read_definition_file(self.cleaned_data["definition"])
