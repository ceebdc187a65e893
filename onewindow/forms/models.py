"""Form definitions (versioned specifications), applicants' drafts and uploaded attachments.

A definition is never edited: a change is a new version with the same key, so a case
can always be read against the exact form it was filled in with. Definitions are
checked by ``forms.schema.check_definition`` before ``services.create_definition``
stores them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core.language import is_english


class FormDefinition(models.Model):
    key = models.SlugField(_("key"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    # JSON Schema draft 2020-12: an object whose properties are the questions.
    schema = models.JSONField(_("schema"))
    # {"sections": [{"title", "title_en", "fields": [...]}], "fields": {name: hints}}
    layout = models.JSONField(_("layout"))
    # [{"key", "label", "label_en", "required", "types", "max_mb"}], one per material.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # SHA-256 of the canonical JSON of title, schema, layout and attachments: loading
    # the same content twice does not make a new version.
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("form definition")
        verbose_name_plural = _("form definitions")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="forms_definition_key_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def display_title(self, language: str | None = None) -> str:
        """The English title in English (``language``, else the active one), if filled."""
        if is_english(language) and self.title_en:
            return self.title_en
        return self.title

    def slot(self, key: str) -> dict[str, Any] | None:
        return next((slot for slot in self.attachments if slot.get("key") == key), None)


class FormDraft(models.Model):
    """What an applicant has typed so far: partial and unvalidated, checked at submit."""

    definition = models.ForeignKey(FormDefinition, on_delete=models.CASCADE, related_name="drafts")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_drafts"
    )
    # An opaque key the caller chooses, e.g. "item:310000-GA-QR-0001" or "event:newborn".
    context = models.CharField(max_length=200)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "definition", "context"], name="forms_draft_owner_definition"
            )
        ]

    def __str__(self) -> str:
        return f"draft {self.definition} {self.context}"


class Attachment(models.Model):
    """An uploaded file for one attachment slot (one required material).

    Files live in the default storage under random names and are never served by
    URL: only ``views.attachment_download`` streams them, to those entitled.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments"
    )
    definition = models.ForeignKey(
        FormDefinition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uploads",
    )
    slot = models.CharField(max_length=64)
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    # Detected from the content, never taken from the browser.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
