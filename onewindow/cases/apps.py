from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "onewindow.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from onewindow.cases.permissions import officer_may_read_attachment
        from onewindow.forms.permissions import register_attachment_reader

        # Officers handling a case read its attachments; forms, a platform app, cannot
        # import cases, so the rule is registered here.
        register_attachment_reader(officer_may_read_attachment)
