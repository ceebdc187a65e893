from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "onewindow.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from onewindow.core import health
        from onewindow.workdays.calendar import horizon_warning

        health.register(horizon_warning)
