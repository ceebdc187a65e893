"""Writes of the notifications app.

``notify`` runs inside the caller's transaction: the in-app notification and one outbox
row per channel commit or roll back with the change they announce, and delivery is
enqueued only after commit. ``deliver_message`` sends one outbox row under its row lock
and marks it sent in the same transaction; ``deliver_pending`` is the periodic sweep
that finds what a dead worker or a lost task left (ADR 0013).

Neither writes an audit record: a notification is news of a change that its own
service has audited, and read marks are the reader's own bookkeeping.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core.after_commit import enqueue_after_commit
from onewindow.core.errors import NotFound
from onewindow.identity.models import User
from onewindow.notifications import channels, queries
from onewindow.notifications.kinds import kind_for
from onewindow.notifications.models import (
    Channel,
    Notification,
    OutboxMessage,
    OutboxStatus,
    is_site_path,
)
from onewindow.notifications.rendering import email_body, email_footer, render_message, render_sms
from onewindow.notifications.sms import sms_enabled

logger = logging.getLogger("onewindow.notifications")

INAPP = "inapp"
ALL_CHANNELS = (INAPP, Channel.EMAIL.value, Channel.SMS.value)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
ERROR_LIMIT = 2000
DELIVERY_CHUNK = 50  # outbox rows per delivery task at most
# What becomes of rows whose delivery task could not be sent (the broker down).
SWEPT = "The rows stay pending: onewindow.notifications.deliver_pending sends them."


# --- writing ----------------------------------------------------------------------


def _check(kind: str, context: Mapping[str, Any], dedupe_key: str, link: str, chosen: Any) -> None:
    """Mistakes of the calling code, refused loudly rather than sent half-rendered."""
    missing = kind_for(kind).context - set(context)
    if missing:
        raise ValueError(f"notification {kind!r} needs context {sorted(missing)}")
    if not dedupe_key:
        raise ValueError("a notification needs a dedupe key")
    if link and not is_site_path(link):
        raise ValueError("a notification links to a path of this site, such as /cases/<number>/")
    unknown = set(chosen) - set(ALL_CHANNELS)
    if unknown:
        raise ValueError(f"unknown notification channels {sorted(unknown)}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() must run inside the caller's transaction")


def _already_notified(recipient: User, dedupe_key: str) -> bool:
    return (
        Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
        # Naming the channels lets the lookup use the outbox's unique index, which leads
        # with the channel; without them it reads the whole outbox.
        or OutboxMessage.objects.filter(
            channel__in=Channel.values, recipient=recipient, dedupe_key=dedupe_key
        ).exists()
    )


def _addresses(recipient: User, kind: str, chosen: Collection[str]) -> list[tuple[str, str]]:
    """(channel, address) for each channel the recipient can receive this kind on."""
    found = []
    if Channel.EMAIL in chosen and recipient.email:
        found.append((Channel.EMAIL.value, recipient.email))
    if Channel.SMS in chosen and recipient.phone and kind_for(kind).sms and sms_enabled():
        found.append((Channel.SMS.value, recipient.phone))
    return found


def notify(
    *,
    recipient: User,
    kind: str,
    context: Mapping[str, Any],
    dedupe_key: str,
    link: str = "",
    channels: Collection[str] = ALL_CHANNELS,
) -> bool:
    """Tell ``recipient`` about an event, in their language: an in-app notification and an
    outbox row per channel they can receive, all in the caller's transaction, delivered
    after it commits. Returns False, writing nothing, if this recipient was already
    notified under ``dedupe_key``."""
    notice = Notice(recipient, kind, context, dedupe_key, link, channels)
    _check(kind, context, dedupe_key, link, channels)
    if _already_notified(recipient, dedupe_key):
        return False
    try:
        # A savepoint: a concurrent transaction that notified the same event first makes
        # our insert fail, and the caller's transaction must survive that.
        with transaction.atomic():
            outbox = _write([notice])
    except IntegrityError:
        return False
    _enqueue_after_commit(outbox)
    return True


@dataclass(frozen=True)
class Notice:
    """What ``notify`` takes: one event to tell one recipient about."""

    recipient: User
    kind: str
    context: Mapping[str, Any]
    dedupe_key: str
    link: str = ""
    channels: Collection[str] = ALL_CHANNELS


def notify_all(notices: Sequence[Notice]) -> int:
    """``notify`` for each notice, as if called one after the other, in a few queries in
    all rather than a few per notice: for the time-limit sweep, which tells hundreds of
    officers at once. Returns how many notices were written."""
    _check_each(notices)
    done = _notified(notices)
    fresh = []
    for notice in notices:
        key = (notice.recipient.pk, notice.dedupe_key)
        if key not in done:
            done.add(key)  # a second notice of the same event in the batch is a repeat
            fresh.append(notice)
    if not fresh:
        return 0
    try:
        with transaction.atomic():
            outbox = _write(fresh)
    except IntegrityError:
        # A concurrent transaction notified one of these first: one at a time, then, so
        # that only that one is left out.
        return sum(
            notify(
                recipient=n.recipient,
                kind=n.kind,
                context=n.context,
                dedupe_key=n.dedupe_key,
                link=n.link,
                channels=n.channels,
            )
            for n in fresh
        )
    _enqueue_after_commit(outbox)
    return len(fresh)


def notify_new(notices: Sequence[Notice]) -> int:
    """``notify_all`` for events made in the caller's own transaction (a case just
    filed): nobody can have been told of them, since no other transaction can see them
    yet, so neither the reads for an earlier notice nor the savepoint against a
    concurrent one are needed (4 statements a submission would otherwise send). Telling
    one twice is the caller's mistake: the dedupe constraints fail its transaction."""
    _check_each(notices)
    outbox = _write(notices)
    _enqueue_after_commit(outbox)
    return len(notices)


def _check_each(notices: Sequence[Notice]) -> None:
    for notice in notices:
        _check(notice.kind, notice.context, notice.dedupe_key, notice.link, notice.channels)


def _notified(notices: Sequence[Notice]) -> set[tuple[int, str]]:
    """(recipient, dedupe key) of the notices already notified."""
    recipients = {n.recipient.pk for n in notices}
    keys = {n.dedupe_key for n in notices}
    found: set[tuple[int, str]] = set()
    for rows in (
        Notification.objects.filter(recipient__in=recipients, dedupe_key__in=keys),
        OutboxMessage.objects.filter(
            channel__in=Channel.values, recipient__in=recipients, dedupe_key__in=keys
        ),
    ):
        found.update(rows.values_list("recipient_id", "dedupe_key"))
    return found


def _write(notices: Sequence[Notice]) -> list[OutboxMessage]:
    """Render and insert the in-app notifications and outbox rows of the notices."""
    inapp: list[Notification] = []
    outbox: list[OutboxMessage] = []
    footer = cache(email_footer)  # by language: a sweep tells hundreds in one or two
    for notice in notices:
        recipient = notice.recipient
        language = recipient.preferred_language or settings.LANGUAGE_CODE
        subject, body = render_message(notice.kind, notice.context, language)
        if INAPP in notice.channels:
            # Each language the site is read in: a tenth of a millisecond each.
            texts = {
                code: (subject, body)
                if code == language
                else render_message(notice.kind, notice.context, code)
                for code, _name in settings.LANGUAGES
            }
            inapp.append(
                Notification(
                    recipient=recipient,
                    kind=notice.kind,
                    case_number=str(notice.context.get("number", ""))[:40],
                    subject=subject,
                    body=body,
                    texts=texts,
                    link=notice.link,
                    dedupe_key=notice.dedupe_key,
                )
            )
        for channel, address in _addresses(recipient, notice.kind, notice.channels):
            if channel == Channel.SMS:
                text = render_sms(subject, language)
            else:
                text = email_body(body, footer(language))
            outbox.append(
                OutboxMessage(
                    channel=channel,
                    recipient=recipient,
                    address=address,
                    subject=subject,
                    body=text,
                    dedupe_key=notice.dedupe_key,
                )
            )
    Notification.objects.bulk_create(inapp)
    return OutboxMessage.objects.bulk_create(outbox)


def _enqueue_after_commit(outbox: Sequence[OutboxMessage]) -> None:
    # Best effort: a broker that is down must not fail the committed change (nor the
    # transaction's other hooks); the rows stay pending and the minute's
    # ``deliver_pending`` sends them once the broker is back. One task per chunk rather
    # than one per message (a notice's email and text message, or many people's at
    # once), since a publish costs about as much as writing the row.
    from onewindow.notifications.tasks import deliver_message_task, deliver_messages_task

    for start in range(0, len(outbox), DELIVERY_CHUNK):
        ids = [message.pk for message in outbox[start : start + DELIVERY_CHUNK]]
        if len(ids) == 1:
            enqueue_after_commit(
                deliver_message_task.delay, ids[0], about=f"outbox message {ids[0]}", later=SWEPT
            )
        else:
            about = f"outbox messages {', '.join(map(str, ids))}"
            enqueue_after_commit(deliver_messages_task.delay, ids, about=about, later=SWEPT)


# --- delivering -------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … 64 minutes: about two hours from the first try to the last."""
    return FIRST_RETRY * 2 ** (attempts - 1)


def deliver_message(*, message_id: int) -> bool:
    """Send one outbox row if it is pending and due; True if it was sent now.

    The row stays locked from the check to the mark, so a second sender skips it
    (PostgreSQL's SKIP LOCKED; SQLite's immediate transactions make it wait, then see
    it sent). A sender that dies mid-way leaves the row pending for the sweep.
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            channels.send(message)
        except Exception as exc:  # any failure of a mail server or provider is retried
            _record_failure(message, exc)
        else:
            message.status, message.sent_at, message.last_error = (
                OutboxStatus.SENT,
                timezone.now(),
                "",
            )
        message.save(
            update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"]
        )
    return message.status == OutboxStatus.SENT


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    message.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        logger.error(
            "outbox message %s (%s) failed after %s attempts: %s",
            message.pk,
            message.channel,
            message.attempts,
            message.last_error,
        )
    else:
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        logger.warning(
            "outbox message %s (%s) attempt %s failed, retrying at %s: %s",
            message.pk,
            message.channel,
            message.attempts,
            message.next_attempt_at.isoformat(),
            message.last_error,
        )


def deliver_pending(*, limit: int = 500) -> int:
    """Send every due pending row, oldest first; returns how many were sent."""
    due = list(
        OutboxMessage.objects.filter(
            status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver_message(message_id=pk) for pk in due)


# --- reading ----------------------------------------------------------------------


def mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (again is harmless)."""
    with transaction.atomic():
        try:
            notification = queries.notification_for(user, notification_id)
        except Notification.DoesNotExist:
            raise NotFound(_("No such notification.")) from None
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user: Any) -> int:
    """Mark all the user's notifications read; returns how many were unread."""
    with transaction.atomic():
        return queries.unread_of(user).update(read_at=timezone.now())


def settle(*, dedupe_key: str) -> int:
    """Mark read every unread notice of ``dedupe_key``: one asking several people for an
    action that one of them has taken (an extension decided), so the others are no
    longer shown a request that waits for nobody. Returns how many were unread."""
    with transaction.atomic():
        unread = Notification.objects.filter(dedupe_key=dedupe_key, read_at__isnull=True)
        return unread.update(read_at=timezone.now())
