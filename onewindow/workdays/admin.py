"""The calendar in Django's admin, for platform admins.

Every save and delete goes through ``services``, so it is checked, audited and moves
the revision like any other change; the forms run the services' own validation first
so a problem shows on the field instead of failing the request.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from onewindow.core import strict_json
from onewindow.core.errors import FieldErrors, ServiceError
from onewindow.workdays import permissions, services
from onewindow.workdays.models import CalendarYear, WorkdayOverride
from onewindow.workdays.validation import clean_entry, clean_year


def _show_errors(form: forms.BaseForm, errors: FieldErrors) -> None:
    for name, messages_ in errors.fields.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, str(message))


class _CalendarAdmin(admin.ModelAdmin):
    """Platform admins only, whatever Django's model permissions say. ``key_field``
    names the row's identity, read-only once the row exists: changing it would be
    removing one row and adding another."""

    key_field = ""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(self.readonly_fields)
        return (self.key_field, *fields) if obj is not None else fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_calendar(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_calendar(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_calendar(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_calendar(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_calendar(request.user)


class WorkdayOverrideForm(forms.ModelForm):
    class Meta:
        model = WorkdayOverride
        fields = ["day", "is_working_day", "name", "name_en", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("day", getattr(self.instance, "day", None))
        # Only once Django's own field checks pass, so a message is not shown twice.
        if day is not None and not self.errors:
            errors = FieldErrors()
            clean_entry({**data, "day": day, "working": data.get("is_working_day")}, errors)
            _show_errors(self, errors)
        return data


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(_CalendarAdmin):
    form = WorkdayOverrideForm
    key_field = "day"
    list_display = ("day", "is_working_day", "name", "name_en", "updated_at")
    list_filter = ("is_working_day",)
    search_fields = ("name", "name_en", "note")
    date_hierarchy = "day"
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.set_override(
            actor=request.user,
            day=obj.day,
            is_working_day=obj.is_working_day,
            name=obj.name,
            name_en=obj.name_en,
            note=obj.note,
            request=request,
        )
        obj.pk, obj.created_by, obj.created_at = saved.pk, saved.created_by, saved.created_at
        obj.updated_at = saved.updated_at

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.remove_override(actor=request.user, day=obj.day, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for override in list(queryset):
            services.remove_override(actor=request.user, day=override.day, request=request)


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "complete", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = FieldErrors()
        if "year" in data:
            clean_year(data["year"], "year", errors)
        errors.text(data.get("note"), "note")
        was_complete = self.instance.pk is not None and self.instance.complete
        if not data.get("complete") and not was_complete:
            errors.add(
                "complete",
                _("Tick this to declare the year, after entering its days as overrides."),
            )
        _show_errors(self, errors)
        return data


@admin.register(CalendarYear)
class CalendarYearAdmin(_CalendarAdmin):
    form = CalendarYearForm
    key_field = "year"
    list_display = ("year", "complete", "declared_by", "declared_at", "note")
    readonly_fields = ("declared_by", "declared_at")
    change_list_template = "workdays/admin/calendaryear_change_list.html"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # untick "declared complete" to withdraw; the row keeps its history

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.complete:
            saved = services.declare_year(
                actor=request.user, year=obj.year, note=obj.note, request=request
            )
        else:
            saved = services.withdraw_year(actor=request.user, year=obj.year, request=request)
        obj.pk, obj.declared_by, obj.declared_at = saved.pk, saved.declared_by, saved.declared_at

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="workdays_calendaryear_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload one year's JSON document (see ``validation``) and import it."""
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = YearImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.import_year(
                    actor=request.user,
                    document=form.cleaned_data["document"],
                    declare=form.cleaned_data["declare"],
                    request=request,
                )
            except ServiceError as error:
                form.add_error("file", str(error.message))
                for name, field_messages in error.fields.items():
                    for message in field_messages:
                        form.add_error("file", f"{name}: {message}")
            else:
                self.message_user(
                    request,
                    _(
                        "%(year)d imported: %(added)d days added, %(changed)d changed, "
                        "%(removed)d removed."
                    )
                    % {
                        "year": result.year,
                        "added": result.added,
                        "changed": result.changed,
                        "removed": result.removed,
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:workdays_calendaryear_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a year's calendar"),
            "form": form,
        }
        return TemplateResponse(request, "workdays/admin/import_year.html", context)


class YearImportForm(forms.Form):
    file = forms.FileField(
        label=_("JSON file"),
        help_text=_(
            'Shaped {"year": 2027, "note": "…", "days": [{"day": "2027-01-01", '
            '"working": false, "name": "元旦", "name_en": "New Year\'s Day"}, …]}. '
            "It replaces every override of that year."
        ),
    )
    declare = forms.BooleanField(label=_("Declare the year complete"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            try:
                data["document"] = strict_json.loads(upload.read().decode("utf-8"))
            except strict_json.StrictJsonError as error:
                self.add_error("file", str(error.message))
            except (UnicodeDecodeError, ValueError):
                self.add_error("file", _("The file is not valid UTF-8 JSON."))
        return data
