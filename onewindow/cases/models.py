"""Cases (办件), their timeline and the numbering counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.cases.choices import CaseStatus, ExtensionStatus, SupplementStatus
from onewindow.forms.models import Attachment, FormDefinition
from onewindow.identity.models import Department, LegalPerson
from onewindow.identity.roles import Role
from onewindow.workflow.models import Clock, ProcessDefinition, ProcessInstance, WorkTask


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
    # As the guide (or life event) named it in English when the case was filed: pages
    # in English show it (``{{ case|localized:"service_name" }}``); blank for none.
    service_name_en = models.CharField(_("English service name"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="cases"
    )
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
    # A life event's parent: the process its items run in together, as the event was
    # bound when filed (``LifeEvent.process``); empty for an item (its ``item_version``
    # names its process) and for an event whose items run separately.
    process = models.ForeignKey(
        ProcessDefinition,
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A life event's children share their parent's run (``starting._start_runs``).
    instance = models.ForeignKey(
        ProcessInstance, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Filed with its run still to start in a worker (FILING_QUEUED, ADR 0021): set by
    # the submission, cleared in the transaction that starts the run.
    run_queued = models.BooleanField(default=False)
    # Failed starts of a queued run, and when the catch-up tries again (backing off).
    start_failures = models.PositiveSmallIntegerField(_("failed starts"), default=0)
    start_retry_at = models.DateTimeField(_("next start attempt"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    # What the request with that key asked for (``filing.fingerprint``): a retry must ask
    # the same, or it is refused rather than answered with another application's case.
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    # The promised time limit, running from acceptance (受理); None until then.
    clock = models.OneToOneField(
        Clock, null=True, blank=True, on_delete=models.SET_NULL, related_name="case"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
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
        indexes = [
            models.Index(fields=["service_code", "status"]),
            # The catch-up's question (starting.start_overdue_runs): a handful of rows.
            models.Index(
                fields=["created_at"], condition=Q(run_queued=True), name="cases_run_queued"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class QueuedCase(Case):
    """A case filed with its run still to start (``run_queued``), as operators list
    them in Django's admin (``cases/admin.py``): no table of its own."""

    class Meta:
        proxy = True
        verbose_name = _("case waiting for its process")
        verbose_name_plural = _("cases waiting for their process")


class CaseEvent(models.Model):
    """One entry of a case's timeline: its submission, every officer's decision, and
    what stopped or moved its clock (a supplement request, the answer, an extension)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=200)
    step_en = models.CharField(_("step (English)"), max_length=200, blank=True)  # task.name_en
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The role the officer acted in, as it was then (the step's lane's, else the one the
    # actor held over the department); empty for the applicant's side and the platform.
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    note_for_applicant = models.TextField(_("note for the applicant"), blank=True)
    task_id = models.PositiveIntegerField(null=True, blank=True)
    # The request a "supplement requested" entry records, whose materials it names in
    # each reader's language, or a "material supplied" entry answers (the materials it
    # came without a file for, ``supplement_materials.unanswered``).
    supplement = models.ForeignKey(
        "SupplementRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.outcome}"

    @staticmethod
    def step_of(task: WorkTask) -> dict[str, str]:
        """``step`` and ``step_en`` as the task names itself, for ``objects.create``."""
        return {"step": task.name, "step_en": task.name_en}


class SupplementRequest(models.Model):
    """An officer's request for missing or faulty material (补正), listing each item
    with its reason. The case's clock stops until the applicant answers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supplements")
    task = models.ForeignKey(WorkTask, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # [{"slot": "<attachment slot or "">", "material": "...", "reason": "..."}]
    items = models.JSONField(default=list)
    note = models.TextField(_("note for the applicant"), blank=True)
    previous_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    status = models.CharField(
        max_length=16, choices=SupplementStatus.choices, default=SupplementStatus.OPEN
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_comment = models.TextField(blank=True)
    answer_attachments = models.ManyToManyField(Attachment, blank=True, related_name="+")

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="open"),
                name="cases_one_open_supplement_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} supplement {self.status}"


class Extension(models.Model):
    """A request to extend a case's time limit (延期): it needs a reason and the
    approval of a department lead or supervisor, and the applicant is told."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    task = models.ForeignKey(WorkTask, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="pending"),
                name="cases_one_pending_extension_per_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days} {self.status}"
