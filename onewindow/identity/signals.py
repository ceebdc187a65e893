"""Login events into the audit log, and a notice to the owner of a locked account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from onewindow.audit.models import AuditEvent, Outcome
from onewindow.audit.services import record_event
from onewindow.core.after_commit import enqueue_after_commit


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, action="identity.login", target=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(actor=user, action="identity.logout", target=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_event(
        actor=None,
        action="identity.login",
        target=("identity.user", username),
        outcome=Outcome.FAILURE,
        detail={"username": username},
        request=request,
    )


@receiver(user_locked_out)
def audit_lockout(
    sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any
) -> None:
    from onewindow.identity.tasks import send_lockout_notice

    # Axes signals on every attempt made while locked; the owner hears once per lockout.
    already_locked = AuditEvent.objects.filter(
        # By the target's type and id, which the trail indexes (it grows for ever).
        target_type="identity.user",
        target_id=username or "",
        action="identity.locked_out",
        at__gte=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME),
    ).exists()
    event = record_event(
        actor=None,
        action="identity.locked_out",
        target=("identity.user", username or ""),
        outcome=Outcome.DENIED,
        detail={"username": username},
        request=request,
    )
    if username and not already_locked:
        # A notice only: the lockout holds whether or not it is sent, and the login page
        # must answer as it does for any locked account. Lost to a broker that is down,
        # it is logged, not sent later (the identity app's emails go by their own tasks,
        # not through the outbox).
        # The log names the audit record, not the user name, which is the person's.
        about = f"the account locked in audit event {event.pk}" if event else "an account"
        enqueue_after_commit(
            send_lockout_notice.delay,
            username,
            about=about,
            later="Not sent later: the owner is not told of the lockout by email.",
        )
