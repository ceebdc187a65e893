from django.contrib import admin

from onewindow.notifications.models import Notification, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Operators look here for failed deliveries; rows change only through delivery."""

    # "id", not "pk": Django titles the field "ID" but the alias "Pk", in every language.
    list_display = [
        "id",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]
    list_filter = ["status", "channel"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "recipient", "kind", "case_number", "created_at", "read_at"]
    list_filter = ["kind"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
