from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "onewindow.catalog"
    label = "catalog"
    verbose_name = _("Service catalog")

    def ready(self) -> None:
        from onewindow.catalog.process_uses import process_uses
        from onewindow.workflow.library import register_uses

        # The processes' back office shows which items and life events run a version.
        register_uses(process_uses)
