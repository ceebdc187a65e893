"""Cases (办件), their timeline and the numbering counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.cases.choices import CaseStatus
from onewindow.forms.models import Attachment, FormDefinition
from onewindow.identity.models import Department, LegalPerson
from onewindow.workflow.models import ProcessInstance


class CaseCounter(models.Model):
    """The last sequence number given to a case of one department on one day; the row
    is locked while a number is taken, so numbers are unique under concurrency."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "day"], name="cases_counter_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day} {self.last}"


class Case(models.Model):
    """One application: for one service item, or a life event's parent case whose
    children are one case per item."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    company = models.ForeignKey(
        LegalPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # An item code, or a life event's code on a parent case.
    service_code = models.CharField(_("service"), max_length=40)
    service_name = models.CharField(_("service name"), max_length=120)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases")
    # The guide version the case was filed under: its materials, time limits and fees
    # are the rules of this case, whatever the guide says later. Empty on a life event's
    # parent case (its children carry theirs).
    item_version = models.ForeignKey(
        "catalog.ServiceItemVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    form = models.ForeignKey(
        FormDefinition, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="+")
    # A life event's children share their parent's run when all items have one process.
    instance = models.ForeignKey(
        ProcessInstance, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A retried submission finds the case made by the first attempt.
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="cases_idempotency_key_per_applicant",
            )
        ]
        indexes = [models.Index(fields=["service_code", "status"])]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """One entry of a case's timeline: its submission, then every officer's decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=200)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    note_for_applicant = models.TextField(_("note for the applicant"), blank=True)
    task_id = models.PositiveIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.outcome}"
