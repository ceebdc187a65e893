"""The service catalog (事项清单): items, their versioned guides, life events, topics
and the search synonyms admins maintain.

An item's identity (code, responsible department) lives on ``ServiceItem``; every
field of its guide lives on a ``ServiceItemVersion``. Citizens see the published
version; department admins edit drafts; publishing needs a second person's review.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.choices import (
    MAX_VISITS_CHOICES,
    Audience,
    ItemKind,
    MaterialForm,
    MaterialSource,
    OnlineLevel,
    VersionStatus,
)
from onewindow.identity.models import Department

# Codes look like 310000-GA-XK-0001: department code, then a kind prefix and a number.
ITEM_CODE_PATTERN = r"^[0-9]{6}(-[A-Z0-9]{1,6})?-[A-Z]{2,4}-[0-9]{4}$"
item_code_validator = RegexValidator(
    ITEM_CODE_PATTERN, _("Use a code like 310000-GA-XK-0001 (department, kind, number).")
)


class Topic(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[item_code_validator])
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("responsible department"),
    )
    published = models.OneToOneField(
        "ServiceItemVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Guide reads (``services.count_view``, one UPDATE a read): ranks ties in search and
    # the home page's popular services (``queries.popular_items``).
    popularity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ServiceItemVersion(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    co_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="co_handled_versions",
        verbose_name=_("co-handling departments"),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="versions")
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("English summary"), blank=True)
    legal_basis = models.TextField(_("legal basis"))
    legal_basis_en = models.TextField(_("English legal basis"), blank=True)
    conditions = models.TextField(_("conditions"))
    conditions_en = models.TextField(_("English conditions"), blank=True)
    statutory_limit_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), validators=[MaxValueValidator(365)]
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), validators=[MaxValueValidator(365)]
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    fee_amount = models.DecimalField(
        _("fee (yuan)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    fee_basis = models.TextField(_("legal basis of the fee"), blank=True)
    fee_basis_en = models.TextField(_("English legal basis of the fee"), blank=True)
    online_level = models.PositiveSmallIntegerField(_("online depth"), choices=OnlineLevel.choices)
    max_visits = models.PositiveSmallIntegerField(_("visits required"), choices=MAX_VISITS_CHOICES)
    channels = models.JSONField(_("channels"), default=list)
    offices = models.JSONField(
        _("offices"), default=list, help_text="[{address, address_en, hours, hours_en, phone}]"
    )
    faq = models.JSONField(
        _("questions and answers"), default=list, help_text="[{q, a, q_en, a_en}]"
    )
    keywords = models.CharField(_("search keywords"), max_length=300, blank=True)
    # What an online application runs on: the form it asks and the process that handles
    # it, each a fixed version, so a case keeps the rules it was filed under.
    form = models.ForeignKey(
        "forms.FormDefinition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    process = models.ForeignKey(
        "workflow.ProcessDefinition",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Everyone who changed what the version says or binds (its guide, its form and
    # process), by user id: none of them may review it (``permissions.can_review``).
    # The author is only the last to submit or save it, and a second editor who changed
    # a draft that its first then submitted could otherwise publish their own change.
    editor_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When it last went to review (None: never): the review queue's order, oldest
    # first, for a draft reworked for weeks is new to its reviewer when it is sent.
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="unique_version_number"),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status__in=["draft", "in_review", "rejected"]),
                name="one_open_draft_per_item",
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("statutory_limit_days")),
                name="promised_within_statutory",
            ),
            models.CheckConstraint(
                condition=Q(is_free=True, fee_amount=0) | Q(is_free=False, fee_amount__gt=0),
                name="fee_matches_free_flag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number} ({self.status})"

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name

    @property
    def last_review(self) -> VersionReview | None:
        """The latest decision on this version, from its review trail (``reviews``;
        prefetch it to read many versions' without a query each)."""
        trail = list(self.reviews.all())
        return trail[-1] if trail else None


class VersionReview(models.Model):
    """One decision of a second editor on a version: approved (and so published), or
    returned to its author with what must change. A version's reviews are its review
    trail, kept while the author reworks it (``ServiceItemVersion.last_review``: the
    latest)."""

    version = models.ForeignKey(
        ServiceItemVersion, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved = models.BooleanField()
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        decision = "approved" if self.approved else "returned"
        return f"{self.version} {decision} {self.decided_at:%Y-%m-%d %H:%M}"


class Material(models.Model):
    version = models.ForeignKey(
        ServiceItemVersion, on_delete=models.CASCADE, related_name="materials"
    )
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    form = models.CharField(_("form"), max_length=12, choices=MaterialForm.choices)
    count = models.PositiveSmallIntegerField(
        _("copies"), default=1, validators=[MinValueValidator(1)]
    )
    source = models.CharField(_("source"), max_length=12, choices=MaterialSource.choices)
    source_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Free text, as the certificate system names the type (居民身份证, 营业执照...).
    certificate_type = models.CharField(_("e-certificate type"), max_length=80, blank=True)
    certificate_type_en = models.CharField(
        _("English e-certificate type"), max_length=160, blank=True
    )
    required = models.BooleanField(_("required"), default=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    notes_en = models.CharField(_("English notes"), max_length=500, blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


# The describing fields of a life event, as the JSON shape and the API carry them.
LIFE_EVENT_FIELDS = (
    "code",
    "audience",
    "stage",
    "name",
    "name_en",
    "summary",
    "summary_en",
    "outcome",
    "outcome_en",
)


class LifeEvent(models.Model):
    """一件事: items bundled around a moment in a person's or a company's life."""

    code = models.SlugField(max_length=40, unique=True)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    stage = models.PositiveSmallIntegerField(
        default=0, help_text="position in a life, birth → death or founding → closing"
    )
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=120)
    summary = models.TextField(_("what it is for"))
    summary_en = models.TextField(_("what it is for (English)"))
    outcome = models.TextField(_("what you will get"))
    outcome_en = models.TextField(_("what you will get (English)"))
    keywords = models.CharField(max_length=300, blank=True)
    items = models.ManyToManyField(ServiceItem, through="LifeEventStep", related_name="events")
    # The process that handles the event's items together, in one run (the city's drawing
    # of the event: 卫健 → 公安 → 医保 → 人社). Without one, each item runs its own
    # process, which is also what an item applied for on its own runs.
    process = models.ForeignKey(
        "workflow.ProcessDefinition",
        verbose_name=_("process of the whole event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["audience", "stage", "code"]

    def __str__(self) -> str:
        return self.name


class LifeEventStep(models.Model):
    event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="steps")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="enables"
    )
    note = models.CharField(max_length=200, blank=True)
    note_en = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["event", "order"]
        constraints = [
            models.UniqueConstraint(fields=["event", "item"], name="item_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.event.code} #{self.order}"


class Synonym(models.Model):
    """An everyday word and the catalog term it means: 生孩子 → 出生."""

    term = models.CharField(_("everyday word"), max_length=40, unique=True)
    canonical = models.CharField(_("catalog term"), max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.canonical}"


class CatalogRevision(models.Model):
    """One row counting catalog changes; search processes rebuild their index when it
    moves, so every web process and worker sees a publish at its next search."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"catalog revision {self.number}"
