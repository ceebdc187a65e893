from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "onewindow.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from onewindow.cases.permissions import (
            agent_may_read_attachment,
            officer_may_read_attachment,
        )
        from onewindow.forms.permissions import register_attachment_reader

        # Officers handling a case read its attachments, and its company's agents; forms,
        # a platform app, cannot import cases, so the rules are registered here.
        register_attachment_reader(officer_may_read_attachment)
        register_attachment_reader(agent_may_read_attachment)

        # Operators learn from /healthz when filed cases wait for a worker.
        from onewindow.cases.starting import stuck_warning
        from onewindow.core import health

        health.register(stuck_warning)

        # Time-limit alerts and escalations come from the workflow app, which knows no
        # case numbers or applicants; these receivers tell people.
        from onewindow.cases import announcements
        from onewindow.workflow import events

        events.clocks_alerted.connect(
            announcements.on_clocks_alerted, dispatch_uid="cases.clocks_alerted"
        )
        events.tasks_escalated.connect(
            announcements.on_tasks_escalated, dispatch_uid="cases.tasks_escalated"
        )
