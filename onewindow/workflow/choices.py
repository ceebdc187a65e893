"""The closed vocabularies of the workflow app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What an officer decides on a task. Conditions in process files test these values
    (``outcome == "approve"``), so they are part of the process file format."""

    ACCEPT = "accept", _("Accept")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    COMPLETE = "complete", _("Complete")


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class TaskStatus(models.TextChoices):
    READY = "ready", _("Ready")
    CLAIMED = "claimed", _("Claimed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = (TaskStatus.READY, TaskStatus.CLAIMED)
