from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "onewindow.workflow"
    label = "workflow"
    verbose_name = "Workflow"

    def ready(self) -> None:
        # Registers the platform functions service tasks may call (registry.py).
        from onewindow.workflow import functions  # noqa: F401
