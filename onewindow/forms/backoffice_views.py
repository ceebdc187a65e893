"""The forms' back office, mounted at /backoffice/forms/: department admins see every
form, read a version's materials to upload and preview it as an applicant sees it,
download a version as a definition file, and upload a new form or the next version of
one, with a refused definition's problems listed part by part.

Every page needs a definition manager's role (``permissions.can_manage_definitions``,
else 404); the upload is ``services.create_definition``, which checks the definition,
asks the same permission and audits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from onewindow.core.backoffice import only_for, version_or_404
from onewindow.core.errors import ServiceError
from onewindow.core.uses import version_uses
from onewindow.forms import bilingual, library, permissions, queries, services
from onewindow.forms.forms import DefinitionUploadForm
from onewindow.forms.models import FormDefinition
from onewindow.forms.rendering import render_form
from onewindow.forms.validation import check_answers

# The parts of a definition ``schema.check_definition`` reports problems under, in the
# order the problems are listed, each with its name on the page.
PARTS: dict[str, str | Promise] = {
    "key": pgettext_lazy("form definition", "Key"),
    "title": pgettext_lazy("form definition", "Title"),
    "schema": gettext_lazy("Schema"),
    "layout": gettext_lazy("Layout"),
    "attachments": gettext_lazy("Materials"),
}


@dataclass(frozen=True)
class Problem:
    part: str
    message: str


definition_managers = only_for(permissions.can_manage_definitions)


@definition_managers
def forms_view(request: HttpRequest) -> HttpResponse:
    return render(request, "forms/backoffice/forms.html", {"forms": library.forms()})


def _version(key: str, number: str | None) -> FormDefinition:
    return version_or_404(key, number, queries.latest_definition, queries.definition_version)


@definition_managers
def form_view(request: HttpRequest, key: str) -> HttpResponse:
    """A version, with its preview; a POST checks answers typed into the preview as a
    submission would, and shows the messages or the answers as a case would hold them
    (nothing is stored: it is how an admin tries a form's checks)."""
    shown = _version(key, request.GET.get("version"))
    versions = list(library.versions_of(key))
    checked = check_answers(shown, request.POST) if request.method == "POST" else None
    errors = checked.errors if checked else {}
    cleaned = ""
    if checked and checked.cleaned is not None:
        cleaned = json.dumps(checked.cleaned, ensure_ascii=False, indent=2, default=str)
    return render(
        request,
        "forms/backoffice/form.html",
        {
            "shown": shown,
            "newest": versions[0],
            "uses": version_uses(library.form_uses, versions, shown, reader=request.user),
            "materials": library.materials(shown),
            "preview": render_form(shown, data=checked.answers if checked else {}, errors=errors),
            "checked": checked is not None,
            "check_errors": errors,
            "cleaned": cleaned,
            "file_name": library.file_name(shown),
        },
        status=422 if errors else 200,
    )


@definition_managers
def download_view(request: HttpRequest, key: str, version: int) -> HttpResponse:
    definition = _version(key, str(version))
    response = HttpResponse(
        library.as_file(definition), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=library.file_name(definition)
    )
    return response


def _problems(error: ServiceError) -> list[Problem]:
    """The refusal's messages by part, in the order of ``PARTS`` (a part it names that
    is not there goes last, under its own name)."""
    order = [*PARTS, *sorted(set(error.fields) - set(PARTS))]
    return [
        Problem(str(PARTS.get(part, part)), str(message))
        for part in order
        for message in error.fields.get(part, [])
    ]


def _next_of(key: str) -> FormDefinition | None:
    """The form whose next version the page was opened for (``?key=``), if it exists."""
    try:
        return queries.latest_definition(key) if key else None
    except FormDefinition.DoesNotExist:
        return None


@definition_managers
def upload_view(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"  # bound even when empty: it then says what is missing
    form = DefinitionUploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[Problem] = []
    status = 200
    if posted:
        status = 422
        if form.is_valid():
            document = form.cleaned_data["definition"]
            try:
                definition = services.create_definition(
                    actor=request.user,
                    key=document["key"],
                    title=document["title"],
                    title_en=document["title_en"],
                    schema=document["schema"],
                    layout=document["layout"],
                    attachments=document["attachments"],
                    request=request,
                    refuse_unchanged=True,
                )
            except ServiceError as error:
                status = error.status
                problems = _problems(error)
                if not problems:
                    form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _(
                        "Version %(version)d of the form %(key)s is uploaded. Bind it to a "
                        "service item's application for applicants to fill it in."
                    )
                    % {"version": definition.version, "key": definition.key},
                )
                if missing := bilingual.missing_english(definition):
                    messages.warning(request, bilingual.as_sentence(missing))
                return redirect("form_definitions:form", key=definition.key)
    return render(
        request,
        "forms/backoffice/upload.html",
        {"form": form, "problems": problems, "next_of": _next_of(request.GET.get("key", ""))},
        status=status,
    )
