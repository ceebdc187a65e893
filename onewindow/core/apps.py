from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onewindow.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from onewindow.core import lookups

        lookups.register()


class OneWindowAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the platform's site (``admin_site``: its name, and who it lets in)."""

    default = False  # named in INSTALLED_APPS; CoreConfig is this module's default
    default_site = "onewindow.core.admin_site.OneWindowAdminSite"
