"""An administrator creates an officer's account: the person, their role in the
department, and a link by email for the officer to set their own password.

Nobody but the officer ever knows the password: the account is created without a
usable one, and the link (Django's reset token, as for a forgotten password) works for
``PASSWORD_RESET_TIMEOUT`` and once. The second factor is enrolled at the first login,
as for every officer (``two_factor``).

An identity number is optional here, as for every account an administrator makes
(``services.create_person``): an officer who registered as a citizen with theirs could
otherwise not be given a work account, and a colleague's number is no part of an
administrator's work (ADR 0007). If one is given, it is checked and must be nobody
else's, as at registration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import refused
from onewindow.core.after_commit import enqueue_after_commit
from onewindow.core.errors import Forbidden, InvalidInput
from onewindow.identity import permissions, services
from onewindow.identity.models import Department, User

ENTER_EMAIL = _("Enter the officer's email address: the link to set their password goes there.")
MAY_NOT_GRANT_HERE = _("You may not grant this role here.")
NOT_SENT = (
    'Not sent later: the officer gets a link with "Forgotten your password?" on the '
    "login page, by their user name or email address."
)


def officer_account_problems(
    *,
    username: str,
    full_name: str,
    email: str,
    id_number: str = "",
    phone: str = "",
) -> dict[str, list[str | Promise]]:
    """Every reason ``create_officer_account`` would refuse these details, by field;
    empty if none. Writes nothing: for the form to show them all in one round."""
    problems = services.new_person_errors(
        username=username,
        password=None,
        full_name=full_name,
        id_number=id_number or None,
        phone=phone,
        email=email,
    )
    if not email:
        problems.setdefault("email", []).append(ENTER_EMAIL)
    return problems


def create_officer_account(
    *,
    actor: User,
    department: Department,
    role: str,
    username: str,
    full_name: str,
    email: str,
    id_number: str = "",
    phone: str = "",
    preferred_language: str = settings.LANGUAGE_CODE,
    site: str,
    request: HttpRequest | None = None,
) -> User:
    """Create the officer's account holding ``role`` in ``department``, with ``actor``
    on record for both, in one transaction; after it commits, email the officer a link
    to set their password. ``site`` is the address the link starts with. Refused
    (``Forbidden``, on record) unless ``actor`` may grant the role there."""
    if not permissions.can_grant(actor, role, department):
        raise refused(
            Forbidden(MAY_NOT_GRANT_HERE, fields={"role": [MAY_NOT_GRANT_HERE]}),
            actor=actor,
            action="identity.account_created",
            detail={"username": username, "role": role, "department": department.code},
            request=request,
        )
    details: dict[str, Any] = {
        "username": username,
        "full_name": full_name,
        "email": email,
        "id_number": id_number,
        "phone": phone,
    }
    problems = officer_account_problems(**details)
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], fields=problems)
    from onewindow.identity.tasks import send_officer_account_created

    with transaction.atomic():
        # ``create_person`` checks everything again as it writes, and audits the new
        # account and its role (``add_role``) with the administrator as actor. No
        # citizen role: this is a work account, not the officer's own as a resident.
        user = services.create_person(
            **{**details, "id_number": id_number or None},
            password=None,
            preferred_language=preferred_language,
            roles=[(role, department)],
            actor=actor,
            request=request,
        )
        # Not through the outbox, which keeps what it sends in the database until it is
        # sent: the link is a credential, made by the task when the mail goes. So a
        # message lost to a broker that is down is not caught up; the account stands
        # (the administrator's page answers as usual), the failure is logged, and the
        # officer asks for a link on the login page, as one whose link expired does.
        enqueue_after_commit(
            send_officer_account_created.delay,
            user.pk,
            site,
            about=f"user {user.pk}",
            later=NOT_SENT,
        )
    return user
