"""The closed vocabularies of a service guide (办事指南)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    LICENSING = "licensing", _("Administrative licensing (行政许可)")
    CONFIRMATION = "confirmation", _("Administrative confirmation (行政确认)")
    BENEFIT = "benefit", _("Administrative payment (行政给付)")
    ADJUDICATION = "adjudication", _("Administrative adjudication (行政裁决)")
    LEVY = "levy", _("Administrative levy (行政征收)")
    OTHER_POWER = "other_power", _("Other administrative power (其他行政权力)")
    PUBLIC_SERVICE = "public_service", _("Public service (公共服务)")


class Audience(models.TextChoices):
    PERSON = "person", _("Individuals")
    COMPANY = "company", _("Legal persons")


class OnlineLevel(models.IntegerChoices):
    INFORMATION = 1, _("L1 Information only")
    FORMS = 2, _("L2 Downloadable forms")
    SUBMISSION = 3, _("L3 Online submission")
    PROCESSING = 4, _("L4 Online processing, result delivered")
    FULLY_ONLINE = 5, _("L5 Entirely online, zero visits")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online portal")
    MOBILE = "mobile", _("Mobile app")
    WINDOW = "window", _("Service window")
    TERMINAL = "terminal", _("Self-service terminal")
    POST = "post", _("By post")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ELECTRONIC = "electronic", _("Electronic")


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("Provided by the applicant")
    DEPARTMENT = "department", _("Obtained from another department")
    CERTIFICATE = "certificate", _("Electronic certificate")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    REJECTED = "rejected", _("Returned to draft")


MAX_VISITS_CHOICES = [
    (0, _("No visit")),
    (1, _("At most one visit")),
    (2, _("More than one visit")),
]
