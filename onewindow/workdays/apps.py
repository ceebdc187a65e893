from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "onewindow.workdays"
    label = "workdays"
    verbose_name = "Working days"

    def ready(self) -> None:
        from onewindow.core import health
        from onewindow.workdays.calendar import horizon_warning

        health.register(horizon_warning)
