from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "onewindow.audit"
    label = "audit"
    verbose_name = "Audit"
