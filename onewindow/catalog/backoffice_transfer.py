"""The catalog's back office: importing a file of guides (JSON or Excel, all or nothing,
each changed item to review) and exporting the published catalog in both formats."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext, pgettext

from onewindow.catalog import imports, queries, transfer
from onewindow.catalog.backoffice_forms import ImportForm, file_kind
from onewindow.catalog.backoffice_views import apply_errors, back_office, current_user
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.rows import ImportRejected, RowError
from onewindow.core.errors import ServiceError
from onewindow.identity.models import User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A refused file's page lists its first problems, in the file's order, and counts the
# others: listing every field of every row of a large file made a page of hundreds of
# megabytes. A hundred is more than one sitting corrects; the next upload lists the rest.
MAX_PROBLEMS_SHOWN = 100


@back_office
def import_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read()
        try:
            rows = (
                transfer.parse_json(raw)
                if file_kind(upload.name) == "json"
                # ``ImportForm.clean_file`` judged what it would cost to read.
                else transfer.parse_excel(raw, checked=True)
            )
            result = imports.import_items(
                actor=user, rows=rows, source=upload.name[:200], request=request
            )
        except ImportRejected as rejected:
            problems = rejected.rows
        except ServiceError as error:
            apply_errors(form, error)
        else:
            staged, unchanged = len(result.staged), len(result.unchanged)
            if staged or not unchanged:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d item now awaits review.",
                        "%(count)d items now await review.",
                        staged,
                    )
                    % {"count": staged},
                )
            if unchanged:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d item was unchanged and was left as it is.",
                        "%(count)d items were unchanged and were left as they are.",
                        unchanged,
                    )
                    % {"count": unchanged},
                )
            if result.replaced:
                # Said, as what those drafts held is gone (they were the importer's own).
                messages.warning(
                    request,
                    ngettext(
                        "The file's guide replaced your open draft of %(codes)s.",
                        "The file's guides replaced your open drafts of %(codes)s.",
                        len(result.replaced),
                    )
                    % {"codes": pgettext("list separator", ", ").join(result.replaced)},
                )
            return redirect("backoffice:index")
    failed = bool(problems or form.errors)
    return render(
        request,
        "catalog/backoffice/import.html",
        {
            "form": form,
            "problems": problems[:MAX_PROBLEMS_SHOWN],
            "problem_count": len(problems),
            "more_problems": max(len(problems) - MAX_PROBLEMS_SHOWN, 0),
        },
        status=422 if failed else 200,
    )


def _published_versions(user: User) -> list[ServiceItemVersion]:
    items = (
        queries.items_for_officer(user)
        .filter(published__isnull=False)
        .select_related("published__item__department")
        .prefetch_related(
            "published__co_departments",
            "published__topics",
            "published__materials__source_department",
        )
    )
    return [item.published for item in items if item.published]


def _download(body: bytes | str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    filename = f"catalog-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@back_office
def export_excel_view(request: HttpRequest) -> HttpResponse:
    versions = _published_versions(current_user(request))
    return _download(transfer.export_excel(versions), XLSX, "xlsx")


@back_office
def export_json_view(request: HttpRequest) -> HttpResponse:
    versions = _published_versions(current_user(request))
    return _download(transfer.export_json(versions), "application/json; charset=utf-8", "json")
