"""Process definitions (specs), their running instances and the officers' tasks.

Definitions are kept apart from instances: a definition is an uploaded bundle of files,
versioned and never changed afterwards; an instance stores only its run's state and
points to the definition version it started on, so publishing a new version affects
new cases only.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.workflow.choices import (
    AlertLevel,
    ClockState,
    EscalationLevel,
    HolderKind,
    InstanceStatus,
    Outcome,
    TaskStatus,
    TimerStatus,
)


class ImmutableDefinitionError(Exception):
    pass


def bundle_sha256(bpmn_xml: str, dmn_files: dict[str, str]) -> str:
    """Hash over the BPMN text and the DMN files in name order."""
    digest = hashlib.sha256(bpmn_xml.encode("utf-8"))
    digest.update(json.dumps(dmn_files, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def process_files(through: str) -> tuple[str, str]:
    """The process's files (tens of kilobytes) as reached ``through`` a relation, to
    leave out of a query with ``defer``: ``runs.spec_of`` reads them only for a process
    this worker has not parsed yet."""
    return (f"{through}__bpmn_xml", f"{through}__dmn_files")


class ProcessDefinition(models.Model):
    """One version of a process: a BPMN file and the DMN files it calls, as uploaded."""

    key = models.SlugField(_("key"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    # The process element's ``name_en`` property, where the file gives one (as its steps'):
    # what English pages call it.
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    bpmn_xml = models.TextField(_("BPMN file"))
    dmn_files = models.JSONField(_("DMN files"), default=dict, blank=True)  # name → XML
    sha256 = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="workflow_definition_version")
        ]
        ordering = ["key", "-version"]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A version is what running cases execute: changing it would change their rules.
        # Upload a new version instead.
        if not self._state.adding:
            raise ImmutableDefinitionError("process definitions are immutable")
        self.sha256 = bundle_sha256(self.bpmn_xml, self.dmn_files)
        super().save(*args, **kwargs)

    @property
    def spec_key(self) -> str:
        """Identifies the parsed spec in the engine's cache: id and content hash."""
        return f"{self.pk}:{self.sha256}"


class ProcessInstance(models.Model):
    """One run of a definition: the engine's state, without the spec."""

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.PROTECT, related_name="instances"
    )
    state = models.JSONField(default=dict)
    serializer_version = models.PositiveSmallIntegerField()
    status = models.CharField(
        _("status"), max_length=16, choices=InstanceStatus.choices, default=InstanceStatus.RUNNING
    )
    # What the ``record_result`` platform function wrote: the decision, for the case.
    result = models.JSONField(default=dict, blank=True)
    # Bumped at every save; writers compare it to detect a concurrent change.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "definition"])]

    def __str__(self) -> str:
        return f"{self.definition} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.revision += 1
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision", "updated_at"}
        super().save(*args, **kwargs)


class Clock(models.Model):
    """A time limit in working days: a task's (from its process) or a case's (from its
    service guide). ``clocks.py`` holds the arithmetic; the counting rule is ADR 0016.

    The clock runs in segments: a supplement request pauses it, the applicant's answer
    starts a new segment, and ``used_days`` carries the working days the finished
    segments used. While running, ``due_at`` and ``warn_at`` are the moments it turns
    red and yellow; ``next_alert_at`` is when the sweep next has something to announce.
    """

    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    extended_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=ClockState.choices, default=ClockState.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    segment_started_at = models.DateTimeField(null=True, blank=True)
    used_days = models.PositiveIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    alert_level = models.PositiveSmallIntegerField(
        choices=AlertLevel.choices, default=AlertLevel.NONE
    )
    next_alert_at = models.DateTimeField(null=True, blank=True)
    # Its alert level moved and people have not yet been told: the sweep tells them
    # after its alert batches, one digest per officer (``sweep._announce_alerts``).
    announce_pending = models.BooleanField(default=False)
    late = models.BooleanField(null=True, blank=True)  # known once stopped
    # Why there is no deadline, e.g. the calendar of a year nobody has entered yet.
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            # The sweep's only question: which clocks have something due by now.
            models.Index(
                fields=["next_alert_at"],
                name="workflow_clock_next_alert",
                condition=Q(next_alert_at__isnull=False),
            ),
            models.Index(fields=["state", "due_at"], name="workflow_clock_state_due"),
            models.Index(
                fields=["id"],
                name="workflow_clock_unannounced",
                condition=Q(announce_pending=True),
            ),
        ]

    def __str__(self) -> str:
        return f"clock {self.pk} ({self.state}, due {self.due_at})"


class WorkTask(models.Model):
    """A user task waiting for, or done by, an officer of its lane's department."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="tasks")
    spiff_task_id = models.CharField(max_length=36)
    bpmn_id = models.CharField(max_length=200)
    name = models.CharField(_("task"), max_length=200)
    # From its element's ``name_en`` property, if the process gives one (``presenters``
    # pick by the reader's language; empty: the Chinese name serves both).
    name_en = models.CharField(_("task (English)"), max_length=200, blank=True)
    lane = models.CharField(max_length=200, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="work_tasks"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.READY
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    note_for_applicant = models.TextField(_("note for the applicant"), blank=True)
    clock = models.OneToOneField(
        Clock, null=True, blank=True, on_delete=models.SET_NULL, related_name="task"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "spiff_task_id"], name="workflow_task_once_per_instance"
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.CLAIMED) | Q(claimed_by__isnull=False),
                name="workflow_claimed_task_has_claimant",
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.COMPLETED)
                | (Q(completed_at__isnull=False) & ~Q(outcome="")),
                name="workflow_completed_task_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["status", "department"])]
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class TaskHolding(models.Model):
    """Who held a task from when to when: the department's inbox, an officer, or the
    applicant while a supplement was awaited. The accountability report sums these."""

    task = models.ForeignKey(WorkTask, on_delete=models.CASCADE, related_name="holdings")
    kind = models.CharField(max_length=16, choices=HolderKind.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=HolderKind.OFFICER) | Q(officer__isnull=False),
                name="workflow_officer_holding_names_the_officer",
            ),
            # One current holder per task.
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(ended_at__isnull=True),
                name="workflow_one_open_holding_per_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.started_at}–{self.ended_at}"


class ProcessTimer(models.Model):
    """A timer event of a run, waiting for the moment the platform computes: a date, a
    span of wall-clock time, or working days on the clock of the task it is attached
    to. The sweep fires it through the engine when ``due_at`` passes."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="timers")
    spiff_task_id = models.CharField(max_length=36)
    bpmn_id = models.CharField(max_length=200)
    value = models.CharField(max_length=100)  # the ISO 8601 date or duration asked for
    task = models.ForeignKey(
        WorkTask, null=True, blank=True, on_delete=models.CASCADE, related_name="timers"
    )
    armed_at = models.DateTimeField()
    working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)  # None while its clock is paused
    status = models.CharField(
        max_length=16, choices=TimerStatus.choices, default=TimerStatus.WAITING
    )
    fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "spiff_task_id"], name="workflow_timer_once_per_instance"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="workflow_timer_waiting_due",
                condition=Q(status="waiting"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.bpmn_id} ({self.status}, due {self.due_at})"


class Escalation(models.Model):
    """A reminder or an escalation a process's timer raised about a late task."""

    task = models.ForeignKey(WorkTask, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(max_length=16, choices=EscalationLevel.choices)
    timer = models.ForeignKey(
        ProcessTimer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Why nothing was sent: e.g. the task was no longer late (an extension was granted).
    skipped = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    # Its recipients have not been told yet: the sweep tells them after firing its
    # timers, one digest per person (``sweep._announce_escalations``).
    announce_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(
                fields=["id"],
                name="workflow_escal_unannounced",
                condition=Q(announce_pending=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.level} {self.at}"
