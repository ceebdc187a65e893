from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "onewindow.catalog"
    label = "catalog"
    verbose_name = _("Service catalog")

    def ready(self) -> None:
        from onewindow.catalog import definition_uses
        from onewindow.forms.library import form_uses
        from onewindow.forms.permissions import register_form_users
        from onewindow.workflow.library import process_uses

        # The forms' and processes' back offices show which items (and life events) use
        # each version.
        form_uses.register(definition_uses.form_uses)
        process_uses.register(definition_uses.process_uses)
        # A form's next version is for the admins of the departments using it.
        register_form_users(definition_uses.form_users)
