from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "onewindow.identity"
    label = "identity"
    verbose_name = _("Unified identity")

    def ready(self) -> None:
        from onewindow.audit.permissions import register_trail_reader
        from onewindow.identity import signals  # noqa: F401  (connects login auditing)
        from onewindow.identity.permissions import reads_audit_trail

        register_trail_reader(reads_audit_trail)
