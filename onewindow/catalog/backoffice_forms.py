"""The back office's forms besides the guide editor's (``forms``): reviewing a draft,
importing a file of items, and the search's synonyms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.forms import CHOOSE_AN_OPTION, MAX_UPLOAD_MB, textarea
from onewindow.catalog.services import SYNONYM_CANONICAL_LIMIT, SYNONYM_TERM_LIMIT
from onewindow.catalog.transfer import MAX_UPLOAD_BYTES, unpacking_problem
from onewindow.core.form_fields import LineField, SiteForm


class ConditionalCharField(forms.CharField):
    """A text field required only in some cases, which its label says ("Comment
    (required to return the draft)") instead of "(optional)"."""

    def __init__(self, *args: Any, condition: str | Promise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.condition = condition


class ReviewForm(SiteForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve and publish")), ("return", _("Return to the author"))],
        error_messages=CHOOSE_AN_OPTION,
    )
    comment = ConditionalCharField(
        label=_("Comment"),
        condition=_("required to return the draft"),
        required=False,
        max_length=2000,
        widget=textarea(),
        help_text=_("Required when you return the draft: say what must change."),
    )
    # The draft's content as the page showed it (``reviews.content_stamp``).
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class ImportForm(SiteForm):
    file = forms.FileField(
        label=_("File"),
        help_text=format_lazy(
            _("A .json or .xlsx file in the catalog's export format, at most {size} MB."),
            size=MAX_UPLOAD_MB,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB."), params={"size": MAX_UPLOAD_MB}
            )
        kind = file_kind(upload.name or "")
        if kind is None:
            raise forms.ValidationError(_("Choose a .json or .xlsx file."))
        # The upload limit counts packed bytes; what a workbook unpacks to is judged
        # here too, from its zip's directory, so that it is refused at this field.
        problem = unpacking_problem(upload) if kind == "excel" else None
        if problem is not None:
            raise forms.ValidationError(problem)
        return upload


def file_kind(name: str) -> str | None:
    """``json`` or ``excel`` by the file's extension; the parsers then check the content."""
    lowered = name.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith(".xlsx"):
        return "excel"
    return None


class SynonymForm(SiteForm):
    # Our messages for a control character and the length (Django's Chinese garbled
    # the one for NUL), and a term of only invisible characters is missing.
    term = LineField(
        label=_("Everyday word"),
        max_length=SYNONYM_TERM_LIMIT,
        help_text=_("What people type, such as 生孩子."),
    )
    canonical = LineField(
        label=_("Catalog term"),
        max_length=SYNONYM_CANONICAL_LIMIT,
        help_text=_("The word the catalog uses, such as 出生."),
    )
