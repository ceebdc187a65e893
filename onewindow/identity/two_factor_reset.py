"""An administrator resets an officer's second factor, when the officer lost the phone
that shows their codes: the officer then enrols a new device at their next login, as
at their first (``two_factor``, the 2FA page).

Whoever knows the password could enrol that device, so the reset also ends what the
old factor let in: the API tokens (each issued after a code) and the signed-in
sessions. A session left open would otherwise be sent to enrol a device of its
holder's choosing. Who may reset whom is ``permissions.may_reset_two_factor``; the
officer is told by email."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.audit.services import record_event, refused
from onewindow.core.after_commit import enqueue_after_commit
from onewindow.core.errors import Forbidden
from onewindow.identity import permissions, tokens
from onewindow.identity.models import RoleAssignment, User

RESET = "identity.two_factor_reset"
NOT_ONESELF = _("You cannot reset your own two-factor authentication: ask another administrator.")
MAY_NOT_RESET = _("You may not reset this person's two-factor authentication.")

# Session stores whose sessions are rows of ``Session``, which can be read one by one.
_STORES_IN_DATABASE = frozenset(
    {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}
)


@dataclass(frozen=True)
class Reset:
    devices_removed: int
    tokens_revoked: int
    sessions_ended: int | None  # None: the session store cannot be listed


def may_reset(actor: User, user: User) -> bool:
    return permissions.may_reset_two_factor(
        actor, user, RoleAssignment.objects.filter(user=user).select_related("department")
    )


def offered_for(actor: User, users: Iterable[User]) -> set[int]:
    """The ids of ``users`` whose second factor ``actor`` may reset: what a list of a
    department's officers offers. Their roles are read in one query, not one each."""
    people = {user.pk: user for user in users}
    held: dict[int, list[RoleAssignment]] = defaultdict(list)
    for assignment in RoleAssignment.objects.filter(user__in=people).select_related("department"):
        held[assignment.user_id].append(assignment)
    return {
        pk for pk, user in people.items() if permissions.may_reset_two_factor(actor, user, held[pk])
    }


def reset_two_factor(*, actor: User, user: User, request: HttpRequest | None = None) -> Reset:
    """Remove ``user``'s TOTP devices (confirmed or still being set up), revoke their
    API tokens and end their sessions, audited in one transaction with ``actor`` as
    actor; after it commits, email ``user``. Refused (``Forbidden``, on record) for
    oneself and for anyone ``actor`` may not reset."""
    if not may_reset(actor, user):
        message = NOT_ONESELF if actor.pk == user.pk else MAY_NOT_RESET
        raise refused(Forbidden(message), actor=actor, action=RESET, target=user, request=request)
    from onewindow.identity.tasks import send_two_factor_reset_notice

    with transaction.atomic():
        # The account's row locked: an enrolment the officer confirms meanwhile waits,
        # then finds no device to confirm and starts again.
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
        removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
        revoked = tokens.revoke_all(user, timezone.now())
        ended = _end_sessions(user)
        record_event(
            actor=actor,
            action=RESET,
            target=user,
            detail={
                "devices_removed": removed,
                "tokens_revoked": revoked,
                "sessions_ended": ended,
            },
            request=request,
        )
        # A notice only: the reset is done and on record whether or not it is sent. Lost
        # to a broker that is down, it is logged rather than failing the reset; nothing
        # sends it later (the identity app's emails go by their own tasks, not through
        # the outbox, which would need a notification kind and its texts for each).
        enqueue_after_commit(
            send_two_factor_reset_notice.delay,
            user.pk,
            about=f"user {user.pk}",
            later="Not sent later: the officer is not told of the reset by email.",
        )
    return Reset(devices_removed=removed, tokens_revoked=revoked, sessions_ended=ended)


def _end_sessions(user: User) -> int | None:
    """End ``user``'s signed-in sessions; how many. A session names its user only
    inside its signed data, so every unexpired one is read: at most
    ``SESSION_COOKIE_AGE`` (eight hours) of logins, for an action taken rarely. The
    site keeps sessions in the database (Django's default); a store that cannot be
    listed (cache, signed cookies) would keep them, and such a session, past the
    password already, would be offered to enrol a new device. For those, None (the
    audit record says that none could be ended)."""
    if settings.SESSION_ENGINE not in _STORES_IN_DATABASE:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore
    wanted = str(user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == wanted:
            # Through the store, which also forgets a cached copy (cached_db).
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
