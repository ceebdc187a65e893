"""In-app notifications and the outbox of messages still to send by email or SMS.

Both are written by ``services.notify`` in the caller's transaction, so a change and the
news of it commit or roll back together; delivery reads the outbox after commit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def is_site_path(link: str) -> bool:
    """A path of this site (``/cases/<number>/``), the only thing a notification may link
    to: no scheme and no host, nor anything a browser reads as another site's
    (``//host/``, ``/\\host/``, a tab or newline between the slashes)."""
    return link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)


class Notification(models.Model):
    """A message shown to one user in the site and the API."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=40)
    # The case the message is about, when there is one (the API's ``case`` field).
    case_number = models.CharField(_("case number"), max_length=40, blank=True)
    # In the recipient's language, as their email and text message say it.
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    # [subject, body] in each of the site's languages, by language code: the site and
    # the API show the one the reader is reading in (``text_in``), which need not be
    # the language they chose for messages. Empty for notifications from before it.
    texts = models.JSONField(_("texts by language"), default=dict, blank=True)
    # A path inside the site (``/cases/<number>/``, ``is_site_path``), never an outside
    # address: the list's link follows it (``views.open_notification``).
    link = models.CharField(_("link"), max_length=200, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The same event never notifies the same person twice.
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notifications_once_per_event",
            )
        ]
        indexes = [
            # The header's unread count on every page.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notifications_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notifications_newest"),
        ]

    def __str__(self) -> str:
        return self.subject

    def text_in(self, language: str) -> tuple[str, str]:
        """(subject, body) in that language, else in the recipient's."""
        subject, body = self.texts.get(language) or (self.subject, self.body)
        return subject, body


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("channel", "Email")
    SMS = "sms", pgettext_lazy("channel", "Text message")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery", "Pending")
    SENT = "sent", pgettext_lazy("delivery", "Sent")
    FAILED = "failed", pgettext_lazy("delivery", "Failed")


class OutboxMessage(models.Model):
    """One email or text message to send. Rendered when it was written, in the
    recipient's language, so the sender needs nothing but this row."""

    channel = models.CharField(_("delivery channel"), max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The email address or phone number at the time of the event.
    address = models.CharField(_("sent to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    dedupe_key = models.CharField(_("deduplication key"), max_length=200)
    status = models.CharField(
        _("status"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "recipient", "dedupe_key"], name="notifications_outbox_once"
            )
        ]
        indexes = [
            # The sweep reads only what is still to send; sent rows pile up outside it.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notifications_outbox_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address} {self.status}"
