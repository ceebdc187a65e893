"""The outbox's line for ``/healthz``: messages due long ago and still unsent mean no
worker is running, or the mail or SMS server refuses them (their ``last_error`` says)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from onewindow.notifications.models import OutboxMessage, OutboxStatus

OVERDUE_AFTER = timedelta(minutes=15)


def backlog_warning(now: datetime | None = None) -> str | None:
    before = (now or timezone.now()) - OVERDUE_AFTER
    counts = OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=before
    ).aggregate(
        due=Count("pk"), retried=Count("pk", filter=Q(attempts__gt=0)), oldest=Min("created_at")
    )
    if not counts["due"]:
        return None
    line = (
        f"outbox: {counts['due']} email/SMS message(s) due over "
        f"{OVERDUE_AFTER.seconds // 60} minutes ago are unsent (oldest written "
        f"{timezone.localtime(counts['oldest']):%Y-%m-%d %H:%M %z}); is a worker running? "
        "(`manage.py deliver_outbox` sends what is due now)"
    )
    if counts["retried"]:
        line += f"; {counts['retried']} of them failed before (their last_error says why)"
    return line
