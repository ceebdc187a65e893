from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onewindow.core"
    label = "core"
    verbose_name = "Core"
