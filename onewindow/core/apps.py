from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onewindow.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from onewindow.core import lookups

        lookups.register()
