"""API tokens: issuing one, revoking it, and finding who holds it (ADR 0006).

A token is opaque, ``ow_`` and 32 random bytes, and shown once. Only its SHA-256 is
stored: 256 random bits need no slow salted hash, and an unsalted one is looked up by
index. A token expires after ``API_TOKEN_HOURS``; one issued without a second factor stops
working once its holder is an officer. A new password revokes them all
(``services.set_password``).

Split from ``services`` by subject; the same rule holds here: each write runs in one
transaction with its audit record."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event
from onewindow.core.errors import NotFound
from onewindow.identity import permissions
from onewindow.identity.models import ApiToken, User

TOKEN_PREFIX = "ow_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    *,
    user: User,
    second_factor: bool = False,
    request: HttpRequest | None = None,
) -> tuple[str, ApiToken]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        record = ApiToken.objects.create(
            user=user,
            key_hash=hash_token(token),
            prefix=token[:8],
            second_factor=second_factor,
            expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS),
        )
        record_event(
            actor=user,
            action="identity.token_issued",
            target=record,
            request=request,
            detail={"expires_at": record.expires_at.isoformat()},
        )
    return token, record


def revoke_token(*, user: User, token_id: int, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        record = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if record is None:
            raise NotFound(_("No such token."))
        if record.revoked_at is None:
            record.revoked_at = timezone.now()
            record.save(update_fields=["revoked_at"])
            record_event(
                actor=user, action="identity.token_revoked", target=record, request=request
            )


def revoke_all(user: User, now: datetime) -> int:
    """Revoke every token of ``user`` still in force, in the caller's transaction (a new
    password's: ``services.set_password``, which audits it); returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now).update(
        revoked_at=now
    )


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    record = (
        ApiToken.objects.select_related("user")
        .annotate(holder_is_officer=permissions.officer_role_held(OuterRef("user")))
        .filter(key_hash=hash_token(token))
        .first()
    )
    now = timezone.now()
    if record is None or not record.is_active(now) or not record.user.is_active:
        return None
    officer = bool(record.holder_is_officer)  # in the same query: no read of the roles
    if not record.second_factor and permissions.needs_second_factor(
        record.user, holds_officer_role=officer
    ):
        # Issued before the holder became an officer: it no longer suffices.
        return None
    # Coarse last-use stamp: one write per token per minute at most.
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user, record
