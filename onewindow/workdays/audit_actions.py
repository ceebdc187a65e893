"""The working-day calendar's actions, in words, for those who read the audit trail
(``audit.actions``)."""

from django.utils.translation import gettext_lazy as _

from onewindow.audit.actions import register_labels

register_labels(
    {
        "workdays.year_imported": _("Calendar year imported"),
        "workdays.year_declared": _("Calendar year declared"),
        "workdays.year_withdrawn": _("Calendar year withdrawn"),
        "workdays.override_set": _("Working-day adjustment set"),
        "workdays.override_removed": _("Working-day adjustment removed"),
    }
)
