from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "onewindow.workflow"
    label = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        # Registers the platform functions service tasks may call (registry.py).
        from onewindow.workflow import functions  # noqa: F401
