"""People, companies, departments and who holds which role where."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.identity.roles import OFFICER_ROLES, Role
from onewindow.identity.validators import validate_resident_id, validate_uscc


class DepartmentKind(models.TextChoices):
    CITY = "city", _("City government")
    BUREAU = "bureau", _("Municipal department")
    DISTRICT = "district", _("District government")
    DISTRICT_BUREAU = "district_bureau", _("District department")
    STREET = "street", _("Street / town")


class Department(models.Model):
    """A node of the city → district → street tree (and the bureaus under each level).

    ``path`` is the chain of codes from the root (``/310000/310101/``), kept so that
    "this department and everything under it" is one indexed prefix query.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    # Where a full name is too long: a process diagram's lane labels.
    short_name_en = models.CharField(_("English short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=400, unique=True, editable=False)
    division_code = models.CharField(
        _("division code (GB/T 2260)"),
        max_length=12,
        blank=True,
        help_text=_("Administrative division this department serves."),
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        old_path = self.path
        parent_path = self.parent.path if self.parent_id and self.parent else "/"
        self.path = f"{parent_path}{self.code}/"
        with transaction.atomic():
            super().save(*args, **kwargs)  # type: ignore[arg-type]
            if old_path and old_path != self.path:
                # Moving or renaming a node moves its whole subtree: scoping reads paths.
                for child in Department.objects.filter(parent=self):
                    child.save()

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def is_within(self, other: Department) -> bool:
        """Whether this department is ``other`` or one of its units (at any depth):
        paths end in "/", so 310000-GA is not taken for a unit of 310000-G."""
        return self.path.startswith(other.path)

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class User(AbstractUser):
    """Anyone who logs in: a natural person (citizen, agent) or an officer."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=100)
    id_number = models.CharField(
        _("resident identity number"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_resident_id],
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = UserManager()  # type: ignore[misc]
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name


class RoleAssignment(models.Model):
    """One role held by one user, in one department for officer roles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "department"], name="unique_role_in_department"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(department__isnull=True),
                name="unique_role_without_department",
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=sorted(r.value for r in OFFICER_ROLES), department__isnull=False
                )
                | Q(
                    role__in=[Role.CITIZEN.value, Role.COMPANY_AGENT.value], department__isnull=True
                ),
                name="officer_roles_need_a_department",
            ),
        ]
        ordering = ["department__path", "role"]

    def __str__(self) -> str:
        where = f" @ {self.department.code}" if self.department_id and self.department else ""
        return f"{self.user} — {self.role}{where}"


class LegalPerson(models.Model):
    """A company or other organisation, identified by its unified social credit code."""

    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    agents = models.ManyToManyField(User, related_name="companies", blank=True)

    class Meta:
        verbose_name = _("legal person")
        verbose_name_plural = _("legal persons")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token is shown once at issue."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="first characters, to tell tokens apart")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    second_factor = models.BooleanField(
        default=False, help_text="issued after a second-factor check"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_active(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]
