"""The cases app's actions, in words, for those who read the audit trail
(``audit.actions``)."""

from django.utils.translation import gettext_lazy as _

from onewindow.audit.actions import register_labels

register_labels(
    {
        "cases.case_submitted": _("Case submitted"),
        "cases.case_decided": _("Decision on a case recorded"),
        "cases.case_resupplied": _("Material supplied by the applicant"),
        "cases.supplement_requested": _("Supplement requested"),
        "cases.extension_requested": _("Extension requested"),
        "cases.extension_decided": _("Extension decided"),
        "cases.extension_withdrawn": _("Extension request withdrawn"),
        "cases.run_start_requested": _("Start of a case's process requested"),
        "cases.run_started": _("Case's process started"),
        "cases.run_start_failed": _("Case's process failed to start"),
        "cases.clocks_alerted": _("Time-limit alerts raised"),
        "cases.tasks_escalated": _("Overdue tasks escalated"),
    }
)
