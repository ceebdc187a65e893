"""The audit app's own actions, in words (``actions.py``)."""

from django.utils.translation import gettext_lazy as _

from onewindow.audit.actions import register_labels

register_labels({"audit.trail_read": _("Audit trail read")})
