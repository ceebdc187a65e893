from typing import Any

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onewindow.audit import actions, permissions, queries
from onewindow.audit.models import AuditEvent
from onewindow.audit.services import record_trail_read


class ActionFilter(admin.SimpleListFilter):
    """By action, listing the actions recorded without reading every event (what
    Django's own filter on the field does, with ``DISTINCT``)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(action, actions.label(action)) for action in queries.actions_recorded()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class TrailPaginator(Paginator):
    """Counts the whole trail by the chain's newest number (one row) instead of
    ``COUNT(*)`` over every event; a filtered or searched list is counted as usual."""

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None or query.has_filters():
            return super().count
        return queries.events_recorded()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "actor_label", "what", "target_type", "target_id", "outcome")
    list_filter = (ActionFilter, "outcome")
    search_fields = ("actor_label", "action", "target_id")
    # Newest first: who reads the trail looks for what just happened. (The chain's own
    # order, oldest first, stays the model's for verification.)
    ordering = ("-seq",)
    # A filtered list counts its own events, not the whole trail again besides.
    show_full_result_count = False
    paginator = TrailPaginator

    @admin.display(description=_("action"), ordering="action")
    def what(self, event: AuditEvent) -> str:
        """The action in words, its code beneath (what a search or an export matches)."""
        return format_html("{}<br><code>{}</code>", actions.label(event.action), event.action)

    # Who reads it is the trail's own rule (``permissions.can_read_trail``), whatever
    # Django's model permissions say; nobody adds, changes or deletes an event.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_read_trail(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return permissions.can_read_trail(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    # Reading the trail is a sensitive read too: who looked, at what.
    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            record_trail_read(viewer=request.user, event_id=None, request=request)
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            record_trail_read(viewer=request.user, event_id=object_id, request=request)
        return response
