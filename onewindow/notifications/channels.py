"""Sending one outbox row through its channel. Each raises on failure; the caller
decides about retries."""

from __future__ import annotations

import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage

from onewindow.notifications.models import Channel, OutboxMessage
from onewindow.notifications.sms import get_backend


def idempotency_key(message: OutboxMessage) -> str:
    """Stable for the row: the same on every attempt, different for every row ever
    written (the creation time keeps a restored or reset database's reused ids apart)."""
    created = round(message.created_at.timestamp() * 1_000_000)
    seed = f"{message.channel}|{message.recipient_id}|{message.dedupe_key}|{created}"
    return f"{message.pk}.{hashlib.sha256(seed.encode()).hexdigest()[:20]}"


def message_id(message: OutboxMessage) -> str:
    """The email's Message-ID. A retry after a crash between the server's acceptance and
    our commit carries the same one, so a mail system that deduplicates by Message-ID
    delivers it once."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "onewindow.invalid"
    return f"<outbox.{idempotency_key(message)}@{domain}>"


def send_email(message: OutboxMessage) -> None:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.address],
        headers={
            "Message-ID": message_id(message),
            # RFC 3834: out-of-office robots should not answer a notification.
            "Auto-Submitted": "auto-generated",
        },
    )
    email.send(fail_silently=False)


def send_sms(message: OutboxMessage) -> None:
    get_backend().send(message.address, message.body, idempotency_key(message))


SENDERS = {Channel.EMAIL: send_email, Channel.SMS: send_sms}


def send(message: OutboxMessage) -> None:
    SENDERS[Channel(message.channel)](message)
