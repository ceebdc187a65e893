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
    # Waiting for the applicant to supply missing material (补正): still open, but
    # nobody can decide it until the material arrives.
    SUSPENDED = "suspended", _("Waiting for a supplement")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TASK_STATUSES = (TaskStatus.READY, TaskStatus.CLAIMED, TaskStatus.SUSPENDED)


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Stopped for a supplement")
    STOPPED = "stopped", _("Finished")


class AlertLevel(models.IntegerChoices):
    """How far a clock's alerts have gone; each level is announced once."""

    NONE = 0, _("On time")
    WARNED = 1, _("Due soon")
    OVERDUE = 2, _("Overdue")


class HolderKind(models.TextChoices):
    """Who holds a task: its department's inbox, one officer, or the applicant while a
    supplement is awaited. Time limits are accounted to holders."""

    QUEUE = "queue", _("Department inbox")
    OFFICER = "officer", _("Officer")
    APPLICANT = "applicant", _("Applicant (supplement)")


class TimerStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    FIRED = "fired", _("Fired")
    CANCELLED = "cancelled", _("Cancelled")


class EscalationLevel(models.TextChoices):
    """What a timer in a process does to a late task: remind the officers who can work
    on it, or escalate to their department lead, then to a supervisor."""

    REMINDER = "reminder", _("Reminder")
    DEPARTMENT_LEAD = "department_lead", _("Escalated to the department lead")
    SUPERVISOR = "supervisor", _("Escalated to the supervisor")
