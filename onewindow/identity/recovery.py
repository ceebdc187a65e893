"""Forgotten passwords: a link sent to the account's email address lets its owner set a
new one. The page asking for it answers the same whether or not an account matches, so
it tells nobody who has an account; an account gets at most one link a quarter of an
hour, so the page cannot be used to flood someone's mailbox. The link carries Django's
password-reset token, which expires after ``PASSWORD_RESET_TIMEOUT`` and stops working
once the password changes (it is made from the password's hash and the last login).
Setting the new password lifts a lockout: the link proves the mailbox is the owner's."""

from __future__ import annotations

from datetime import timedelta

from axes.utils import reset as reset_lockout
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.audit.services import record_event
from onewindow.core.after_commit import enqueue_after_commit
from onewindow.identity import services
from onewindow.identity.models import User

REQUESTED = "identity.password_reset_requested"
ONE_LINK_PER = timedelta(minutes=15)
NOT_SENT = "Not sent later: the person may ask again a quarter of an hour after asking."


def request_reset(*, login: str, site: str, request: HttpRequest | None = None) -> None:
    """Send a reset link to the active account whose user name or email address is
    ``login``, if it has an email address and got no link within ``ONE_LINK_PER``.
    ``site`` is the address the link starts with (the page's own, which Django checks
    against ``ALLOWED_HOSTS``). Each link sent is audited."""
    from onewindow.identity.tasks import send_password_reset

    login = login.strip()
    if not login:
        return
    accounts = User.objects.filter(Q(username=login) | Q(email__iexact=login), is_active=True)
    for user in accounts.exclude(email=""):
        with transaction.atomic():
            if _sent_recently(user):
                continue
            record_event(actor=None, action=REQUESTED, target=user, request=request)
            # Not through the outbox, which keeps what it sends in the database until it
            # is sent: the link is a credential for an hour, made by the task when the
            # mail goes. So nothing catches a lost message up. With the broker down the
            # page answers as always (it must: another answer would tell that an account
            # matched), the failure is logged, and the person asks again, as the page
            # says to when no email comes, once the quarter of an hour is over.
            enqueue_after_commit(
                send_password_reset.delay,
                user.pk,
                site,
                about=f"user {user.pk}",
                later=NOT_SENT,
            )


def _sent_recently(user: User) -> bool:
    # By the target's type and id, which the trail indexes: it grows for ever.
    return AuditEvent.objects.filter(
        target_type=user._meta.label_lower,
        target_id=str(user.pk),
        action=REQUESTED,
        at__gte=timezone.now() - ONE_LINK_PER,
    ).exists()


def complete_reset(*, user: User, password: str, request: HttpRequest | None = None) -> int:
    """Set the new password of the link's owner (``services.set_password``: its rules,
    the API tokens revoked, audited) and lift a lockout of the account."""
    revoked = services.set_password(user=user, password=password, request=request, by_link=True)
    reset_lockout(username=user.username)
    return revoked
