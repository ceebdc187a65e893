"""Delivery of the outbox. Both tasks take ids (or nothing) and re-read the rows, and
the row lock makes running them twice at once harmless (ADR 0013)."""

from __future__ import annotations

from celery import shared_task

from onewindow.notifications import services


@shared_task(name="onewindow.notifications.deliver_message")
def deliver_message_task(message_id: int) -> bool:
    """Enqueued when the notifying transaction commits."""
    return services.deliver_message(message_id=message_id)


@shared_task(name="onewindow.notifications.deliver_messages")
def deliver_messages_task(message_ids: list[int]) -> int:
    """Enqueued when a transaction that notified many people commits; each row is sent
    as ``deliver_message`` would (under its own row lock). Returns how many were sent."""
    return sum(services.deliver_message(message_id=pk) for pk in message_ids)


@shared_task(name="onewindow.notifications.deliver_pending")
def deliver_pending_task() -> int:
    """Every minute: what a dead worker, a lost task or a failed attempt left."""
    return services.deliver_pending()
