from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "onewindow.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Each app's audit_actions module labels its actions (audit/actions.py).
        autodiscover_modules("audit_actions")
