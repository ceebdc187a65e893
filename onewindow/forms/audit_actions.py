"""The forms app's actions, in words, for those who read the audit trail
(``audit.actions``)."""

from django.utils.translation import gettext_lazy as _

from onewindow.audit.actions import register_labels

register_labels(
    {
        "forms.definition_created": _("Form definition uploaded"),
        "forms.draft_saved": _("Application draft saved"),
        "forms.draft_discarded": _("Application draft discarded"),
        "forms.attachment_stored": _("Attachment stored"),
        "forms.attachment_refused": _("Attachment refused"),
        "forms.attachment_read": _("Attachment read"),
        "forms.orphan_files_removed": _("Unused uploaded files removed"),
    }
)
