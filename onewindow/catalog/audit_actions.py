"""The catalog's actions, in words, for those who read the audit trail
(``audit.actions``)."""

from django.utils.translation import gettext_lazy as _

from onewindow.audit.actions import register_labels

register_labels(
    {
        "catalog.draft_saved": _("Draft of a service item saved"),
        "catalog.submitted": _("Draft of a service item submitted for review"),
        "catalog.withdrawn": _("Draft of a service item withdrawn from review"),
        "catalog.reviewed": _("Draft of a service item reviewed"),
        "catalog.returned": _("Draft of a service item returned"),
        "catalog.published": _("Version of a service item published"),
        "catalog.application_bound": _("Form and process of a service item chosen"),
        "catalog.event_process_bound": _("Process of a life event chosen"),
        "catalog.imported": _("Service items imported"),
        "catalog.seeded": _("Service catalog loaded"),
        "catalog.life_events_seeded": _("Life events loaded"),
        "catalog.synonym_saved": _("Search synonym saved"),
        "catalog.synonym_deleted": _("Search synonym deleted"),
    }
)
