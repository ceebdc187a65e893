"""The closed vocabularies of the cases app."""

from typing import Literal, get_args

from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.errors import FieldErrors


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_PROGRESS = "in_progress", _("Accepted, in review")
    # Waiting for the applicant to supply missing or corrected material (补正).
    SUPPLEMENT = "supplement", _("Supplement requested")
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


# Timeline entries that are not an officer's outcome.
SUBMITTED = "submitted"
SUPPLEMENT_REQUESTED = "supplement_requested"
RESUPPLIED = "resupplied"
EXTENDED = "extended"


class SupplementStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the applicant")
    ANSWERED = "answered", _("Supplied")
    CLOSED = "closed", _("Closed without an answer")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    # The step was decided while the request waited: there is no limit left to extend.
    WITHDRAWN = "withdrawn", _("Withdrawn: the step was decided")


MAX_EXTENSION_DAYS = 60
MAX_SUPPLEMENT_ITEMS = 20


# The inbox's filter by how a task's time stands (``queries.inbox``).
Deadline = Literal["overdue", "due_soon", "on_track", "supplement"]
DEADLINES: tuple[str, ...] = get_args(Deadline)

# The inbox's orders (``queries.inbox``): as the tasks came (the default), the newest
# first, or the nearest last day first (QA at volume: a department's hundreds of tasks
# and no way to put first what is due first).
InboxOrder = Literal["oldest", "newest", "last_day"]
INBOX_ORDERS: tuple[str, ...] = get_args(InboxOrder)

# The longest comment, reason or note a person writes on a case (a decision's comment
# and note for the applicant, an extension's reason and decision, a supplement request's
# note and its answer): longer is refused at its field, never cut, since a reason cut
# short may read as another.
MAX_NOTE = 2000


def refuse_longer_than_note(**texts: object) -> None:
    """``InvalidInput`` naming each of ``texts`` (field name: what was written) longer
    than ``MAX_NOTE``."""
    too_long = FieldErrors()
    for name, value in texts.items():
        too_long.text(value, name, limit=MAX_NOTE)
    too_long.raise_if_any()
