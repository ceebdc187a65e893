"""Notification text from the templates under ``templates/notifications/<kind>/``.
Rendered when the event happens: email and text messages in the recipient's language,
in-app notifications in each of the site's languages, so neither the sender nor the
list needs the event's context again."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.template import Context, Engine
from django.utils import timezone, translation

SUBJECT_LIMIT = 200


def _render(name: str, context: Mapping[str, Any]) -> str:
    # Plain text: escaping would turn an applicant's "A & B" into "A &amp; B".
    return Engine.get_default().get_template(name).render(Context(dict(context), autoescape=False))


def _tidy(text: str) -> str:
    """Template tags leave blank lines and trailing spaces; keep at most one blank line."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def render_message(kind: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    """(subject, body) of a kind of notification. The subject is one line, as mail
    headers require. The body is the message alone, as the site shows it; an email
    adds the footer (``email_body``)."""
    with translation.override(language), timezone.override(timezone.get_default_timezone()):
        subject = " ".join(_render(f"notifications/{kind}/subject.txt", context).split())
        body = _tidy(_render(f"notifications/{kind}/body.txt", context))
    return subject[:SUBJECT_LIMIT], body


def email_footer(language: str) -> str:
    """What an email adds below the message: that nobody reads replies, and where to get
    help. Not in the site, where nobody could reply anyway."""
    with translation.override(language):
        return _tidy(_render("notifications/_footer.txt", {}))


def email_body(body: str, footer: str) -> str:
    """A message's body (``render_message``) as an email sends it, with ``email_footer``."""
    return f"{body}\n\n{footer}"


def render_sms(subject: str, language: str) -> str:
    """A text message is the subject with a pointer to the site: short, and nothing in
    it that a shared phone should not show."""
    with translation.override(language):
        return " ".join(_render("notifications/sms.txt", {"subject": subject}).split())
