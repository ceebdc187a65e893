from typing import Any

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from onewindow.audit import actions, permissions, queries
from onewindow.audit.hashing import HASHED_FIELDS
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
    # Narrow columns, the result before the wide ones: at 1280px, beside the filters,
    # seven columns (the target's type apart from its id) pushed the result off the
    # screen (``tests/test_admin_browser.py`` measures it).
    list_display = ("number", "when", "outcome", "actor_label", "what", "target")
    list_filter = (ActionFilter, "outcome")
    # Besides these, a word that is an actor's user name finds their events
    # (``get_search_results``): the label is their display name.
    search_fields = ("actor_label", "action", "target_id")
    # Newest first: who reads the trail looks for what just happened. (The chain's own
    # order, oldest first, stays the model's for verification.)
    ordering = ("-seq",)
    # A filtered list counts its own events, not the whole trail again besides.
    show_full_result_count = False
    paginator = TrailPaginator

    # The hashed fields in their order, the chain's links after them; the time as
    # ``when``: the event's page shows it as the list does, to the second.
    fields = (*("when" if f == "at" else f for f in HASHED_FIELDS), "prev_hash", "hash")
    readonly_fields = ("when",)

    # Translators: a short column heading for an audit event's sequence number.
    @admin.display(description=_("No."), ordering="seq")
    def number(self, event: AuditEvent) -> int:
        return event.seq

    @admin.display(description=_("time"), ordering="at")
    def when(self, event: AuditEvent) -> SafeString:
        """To the second, in the site's time zone: events a second apart (a login, then
        what it did) read apart; the admin's own format stops at the minute."""
        moment = timezone.localtime(event.at)
        # Broken, if at all, between the day and the time, never inside the day.
        return format_html(
            '<time datetime="{}"><span class="nowrap">{}</span> '
            '<span class="nowrap">{}</span></time>',
            moment.isoformat(),
            date_format(moment, "Y-m-d"),
            date_format(moment, "H:i:s"),
        )

    @admin.display(description=_("target"))
    def target(self, event: AuditEvent) -> SafeString:
        """The object's id, its type beneath (one column where two were)."""
        if not event.target_type and not event.target_id:
            return self.get_empty_value_display()
        return format_html("{}<br><code>{}</code>", event.target_id, event.target_type)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """As Django's (every word matches one of ``search_fields``, which are plain
        field names), a word also matching the events of the user whose user name it is."""
        words = [
            unescape_string_literal(bit)
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]
            else bit
            for bit in smart_split(search_term)
        ]
        if not words:
            return queryset, False
        actors = queries.actors_named(words)
        condition = Q()
        for word in words:
            matches = Q.create(
                [(f"{field}__icontains", word) for field in self.search_fields],
                connector=Q.OR,
            )
            if ids := actors.get(word.casefold()):
                matches |= Q(actor_id__in=ids)
            condition &= matches
        return queryset.filter(condition), False

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
        # The list needs the width: at 1280px, beside the site's sidebar (which shows
        # the trail's readers the trail alone) and the filters, its last columns were
        # off-screen. The breadcrumbs still lead to the rest of the site.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
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
