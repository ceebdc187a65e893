from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "onewindow.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from onewindow.core import health
        from onewindow.notifications.health import backlog_warning

        health.register(backlog_warning)
