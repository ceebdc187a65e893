"""The closed vocabularies of the cases app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_PROGRESS = "in_progress", _("Accepted, in review")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")


FINAL_STATUSES = (
    CaseStatus.NOT_ACCEPTED,
    CaseStatus.APPROVED,
    CaseStatus.REJECTED,
    CaseStatus.COMPLETED,
)

# The outcomes an officer must give a reason for (不予受理, 不予批准).
OUTCOMES_NEEDING_REASON = ("not_accepted", "reject")
