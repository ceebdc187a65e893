from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "onewindow.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self) -> None:
        from onewindow.identity import signals  # noqa: F401  (connects login auditing)
