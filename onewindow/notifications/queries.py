"""Reads of notifications, scoped to their recipient. Someone else's notification
raises ``DoesNotExist`` exactly like an absent one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from onewindow.notifications.models import Notification
from onewindow.notifications.permissions import recipient_filter


def notifications_of(user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient_filter(user))


def unread_of(user: Any) -> QuerySet[Notification]:
    return notifications_of(user).filter(read_at__isnull=True)


def unread_count(user: Any) -> int:
    """One indexed count, for the site header on every page."""
    return unread_of(user).count()


def notification_for(user: Any, notification_id: int) -> Notification:
    return notifications_of(user).get(pk=notification_id)


@dataclass(frozen=True)
class Shown:
    """A notification with its subject and body in the reader's language."""

    notification: Notification
    subject: str
    body: str

    @property
    def opens_its_case(self) -> bool:
        """Whether its link is the page of the case it names (the list says "Open case
        N"), not a task's or the extension requests' page (the list says "Open" and
        what the notice is, which names the case)."""
        number = self.notification.case_number
        return bool(number) and self.notification.link.rstrip("/").endswith(f"/{number}")


def shown_in(notifications: Iterable[Notification], language: str) -> list[Shown]:
    return [Shown(n, *n.text_in(language)) for n in notifications]
