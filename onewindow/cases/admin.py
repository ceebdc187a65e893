"""The cases waiting for their process, in Django's admin, for the platform's admins.

With filing queued (ADR 0021) a worker starts each new case's run; a start that fails is
tried again after 1, 2, 4… minutes, at most an hour apart, and ``/healthz`` counts the
cases left waiting. Here operators see which they are, how often and why their start
failed (the last ``cases.run_start_failed`` record), and start them at once once the cause
is fixed, as ``manage.py start_queued_runs`` does. Nothing here names the applicant.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onewindow.audit.models import AuditEvent
from onewindow.cases import permissions, starting
from onewindow.cases.models import QueuedCase

FIELDS = (
    "number",
    "service_name",
    "department",
    "created_at",
    "start_failures",
    "start_retry_at",
)


@admin.register(QueuedCase)
class QueuedCaseAdmin(admin.ModelAdmin):
    list_display = (*FIELDS, "last_error")
    list_filter = ("department",)
    search_fields = ("number", "service_code")
    fields = (*FIELDS, "last_error")
    readonly_fields = fields
    ordering = ("created_at", "pk")
    actions = ("start_now",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[QueuedCase]:
        failures = AuditEvent.objects.filter(
            action="cases.run_start_failed",
            target_type="cases.case",
            target_id=Cast(OuterRef("pk"), CharField()),
        ).order_by("-seq")
        return (
            super()
            .get_queryset(request)
            .filter(run_queued=True)
            .select_related("department")
            .annotate(error=Subquery(failures.values("detail__error")[:1]))
        )

    @admin.display(description=_("last error"))
    def last_error(self, case: Any) -> str:
        return str(case.error or "")

    @admin.action(description=_("Start their processes now"))
    def start_now(self, request: HttpRequest, queryset: QuerySet[QueuedCase]) -> None:
        numbers = list(queryset.values_list("number", flat=True))
        report = starting.start_by_operator(
            actor=request.user,  # type: ignore[arg-type]
            numbers=numbers,
            request=request,
        )
        if report.started:
            started = ngettext(
                "Started the process of %(count)d case.",
                "Started the processes of %(count)d cases.",
                report.started,
            )
            self.message_user(request, started % {"count": report.started}, messages.SUCCESS)
        for problem in report.problems:
            self.message_user(request, problem, messages.ERROR)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_start_queued_runs(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_start_queued_runs(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the rows change only by starting their runs (the action)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
