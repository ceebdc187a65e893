"""Writes to identity data, each in one transaction with its audit record, and the
checks that come before them (``registration_errors``, ``new_password_problems``).

People and personal data; roles are granted and revoked in ``assignments``, two-factor
devices are in ``two_factor``, API tokens in ``tokens``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event
from onewindow.core.errors import Conflict, FieldErrors, InvalidInput, NotFound
from onewindow.identity import permissions, registration_throttle, tokens
from onewindow.identity.assignments import add_role
from onewindow.identity.masking import mask_identity_number
from onewindow.identity.models import Department, LegalPerson, User
from onewindow.identity.roles import Role
from onewindow.identity.validators import (
    clean_mobile_phone,
    clean_resident_id,
    clean_uscc,
    validate_username,
)

# --- people -----------------------------------------------------------------------

CHOOSE_A_LANGUAGE = _("Choose a language from the list.")
ENTER_ID_NUMBER = _("Enter your identity number.")
ID_NUMBER_TAKEN = _("An account with this identity number already exists.")


@dataclass(frozen=True)
class _NewPerson:
    """A new account's details as they are stored: the identity number compact, the
    mobile number as its 11 digits."""

    username: str
    full_name: str
    id_number: str | None
    phone: str
    email: str


def _new_person_problems(
    *,
    username: str,
    password: str | None,
    full_name: str,
    id_number: str | None,
    phone: str,
    email: str,
    id_number_required: bool,
) -> tuple[_NewPerson, FieldErrors, FieldErrors]:
    """The details as they would be stored, what is wrong with them, and what of them
    another account holds already. Every field is checked, whatever the others hold, so
    that a person corrects everything in one round instead of meeting a new error after
    each correction."""
    invalid, taken = FieldErrors(), FieldErrors()
    if not username or len(username) > 150:
        invalid.add("username", _("Choose a user name of 1 to 150 characters."))
    else:
        # The model's rule for user names (letters of any script, digits and @.+-_),
        # which ``create_user`` does not apply, in our words (Django's Chinese ones
        # said only English letters were allowed).
        _collect(invalid, "username", validate_username, username)
        # Letter case aside: "GA.WINDOW" beside "ga.window" is another account that reads
        # as the same one in every list (QA).
        if (
            "username" not in invalid.fields
            and User.objects.filter(username__iexact=username).exists()
        ):
            taken.add("username", _("This user name is taken."))
    full_name = full_name.strip()
    if not full_name:
        invalid.add("full_name", _("Enter your full name."))
    compact_id = _collect(invalid, "id_number", clean_resident_id, id_number) if id_number else None
    if compact_id and User.objects.filter(id_number=compact_id).exists():
        taken.add("id_number", ID_NUMBER_TAKEN)
    elif not id_number and id_number_required:
        invalid.add("id_number", ENTER_ID_NUMBER)
    phone = (_collect(invalid, "phone", clean_mobile_phone, phone) or "") if phone else ""
    if email:
        _collect(invalid, "email", _valid_email, email)
        if "email" not in invalid.fields and _email_taken(email):
            taken.add("email", EMAIL_TAKEN)
    if password is not None:  # None: no password yet, the person sets one from a link
        candidate = User(username=username, full_name=full_name, id_number=compact_id, email=email)
        _collect(invalid, "password", password_validation.validate_password, password, candidate)
    person = _NewPerson(
        username=username, full_name=full_name, id_number=compact_id, phone=phone, email=email
    )
    return person, invalid, taken


# One account per mailbox: a password reset mails a link to every account holding the
# address, so a second account given someone's address (an officer added with a
# colleague's) put its password in their hands (QA).
EMAIL_TAKEN = _("Another account has this email address.")


def _email_taken(email: str, *, besides: User | None = None) -> bool:
    others = User.objects.filter(email__iexact=email)
    if besides is not None:
        others = others.exclude(pk=besides.pk)
    return others.exists()


# As the application forms say it: Django's own Chinese reads "输入一个有效的 Email 地址".
ENTER_AN_EMAIL = _("Enter an email address like name@example.com.")


def _valid_email(value: str) -> None:
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValidationError(ENTER_AN_EMAIL, code="invalid") from exc


def _collect(errors: FieldErrors, name: str, check: Callable[..., Any], *args: Any) -> Any:
    """What ``check`` returns, or None with its messages added to ``errors`` at ``name``."""
    try:
        return check(*args)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add(name, message)
        return None


def _all_problems(invalid: FieldErrors, taken: FieldErrors) -> dict[str, list[str | Promise]]:
    fields = {name: list(messages) for name, messages in invalid.fields.items()}
    for name, messages in taken.fields.items():
        fields.setdefault(name, []).extend(messages)
    return fields


def _accepted(person: _NewPerson, invalid: FieldErrors, taken: FieldErrors) -> _NewPerson:
    """``person``, or every problem with it at once: ``InvalidInput`` when any detail is
    wrong, ``Conflict`` when all are right but some are another account's."""
    if invalid:
        fields = _all_problems(invalid, taken)
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields)
    if taken:
        raise Conflict(next(iter(taken.fields.values()))[0], fields=taken.fields)
    return person


def registration_errors(
    *,
    username: str,
    password: str,
    full_name: str,
    id_number: str,
    phone: str = "",
    email: str = "",
    request: HttpRequest | None = None,
) -> dict[str, list[str | Promise]]:
    """Every reason ``register_citizen`` would refuse these details, by field; empty if
    none. Writes nothing: for a form to show these with its own errors in one round.
    Given the register page's ``request``, an answer naming an identity number another
    account holds counts against the client's address (``registration_throttle``): it
    tells that its holder has an account."""
    _person, invalid, taken = _new_person_problems(
        username=username,
        password=password,
        full_name=full_name,
        id_number=id_number,
        phone=phone,
        email=email,
        id_number_required=True,
    )
    if registration_throttle.counted(taken) and request is not None:
        registration_throttle.count_refusal(request)
    return _all_problems(invalid, taken)


def new_person_errors(
    *,
    username: str,
    password: str | None,
    full_name: str,
    id_number: str | None,
    phone: str = "",
    email: str = "",
    id_number_required: bool = False,
) -> dict[str, list[str | Promise]]:
    """Every reason ``create_person`` would refuse these details, by field; empty if
    none. Writes nothing and counts nothing: for an administrator's form (the register
    page has ``registration_errors``, which counts refusals against the address)."""
    _person, invalid, taken = _new_person_problems(
        username=username,
        password=password,
        full_name=full_name,
        id_number=id_number,
        phone=phone,
        email=email,
        id_number_required=id_number_required,
    )
    return _all_problems(invalid, taken)


def create_person(
    *,
    username: str,
    password: str | None,
    full_name: str,
    id_number: str | None = None,
    phone: str = "",
    email: str = "",
    roles: list[tuple[str, Department | None]] | None = None,
    actor: User | None = None,
    request: HttpRequest | None = None,
    id_number_required: bool = False,
    preferred_language: str = settings.LANGUAGE_CODE,
    system_detail: dict[str, Any] | None = None,
) -> User:
    """Create an account with its roles. Without ``roles`` the person is a citizen.
    ``password`` None: the account has no usable password until its owner sets one
    (from a link sent to them, ``officer_accounts``); ``actor``: who creates it, on
    record (without one, the new person themself); ``preferred_language``: of their
    pages, emails and messages; ``system_detail``: the platform itself creates it (a
    management command, with no ``actor``), on record as the system with this detail
    (``{"shell_user": …}``), the account and its roles alike."""
    person = _accepted(
        *_new_person_problems(
            username=username,
            password=password,
            full_name=full_name,
            id_number=id_number,
            phone=phone,
            email=email,
            id_number_required=id_number_required,
        )
    )
    return _create_person_rows(
        person=person,
        password=password,
        roles=roles,
        actor=actor,
        request=request,
        language=preferred_language,
        system_detail=system_detail,
    )


def _create_person_rows(
    *,
    person: _NewPerson,
    password: str | None,
    roles: list[tuple[str, Department | None]] | None,
    actor: User | None,
    request: HttpRequest | None,
    language: str,
    system_detail: dict[str, Any] | None = None,
) -> User:
    if language not in dict(settings.LANGUAGES):
        problem = CHOOSE_A_LANGUAGE
        raise InvalidInput(problem, fields={"preferred_language": [problem]})
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=person.username,
                password=password,
                full_name=person.full_name,
                id_number=person.id_number,
                phone=person.phone,
                email=person.email,
                preferred_language=language,
            )
            record_event(
                actor=None if system_detail is not None else actor or user,
                action="identity.account_created",
                target=user,
                detail={
                    "username": person.username,
                    "id_number": mask_identity_number(person.id_number),
                    **(system_detail or {}),
                },
                request=request,
            )
            for role, department in roles or [(Role.CITIZEN, None)]:
                add_role(
                    user=user,
                    role=role,
                    department=department,
                    actor=actor,
                    request=request,
                    detail=system_detail,
                )
    except IntegrityError as exc:
        # Someone registered the same name or number between our check and our insert.
        message = _("An account with this user name or identity number already exists.")
        raise Conflict(message, fields={"username": [message]}) from exc
    return user


def register_citizen(
    *,
    username: str,
    password: str,
    full_name: str,
    id_number: str,
    phone: str = "",
    email: str = "",
    request: HttpRequest | None = None,
    preferred_language: str = settings.LANGUAGE_CODE,
) -> User:
    """A citizen's own account; unlike an account an administrator makes, it needs an
    identity number. With the register page's ``request``: refused (``Locked``) while
    the client's address is paused for naming taken details too often, and a refusal
    naming one counts towards that (``registration_throttle``). ``preferred_language``:
    the register page's, so that what the site sends them is in the language they
    chose to register in."""
    if request is not None:
        registration_throttle.refuse_while_paused(request)
    person, invalid, taken = _new_person_problems(
        username=username,
        password=password,
        full_name=full_name,
        id_number=id_number,
        phone=phone,
        email=email,
        id_number_required=True,
    )
    if registration_throttle.counted(taken) and request is not None:
        registration_throttle.count_refusal(request)
    accepted = _accepted(person, invalid, taken)
    try:
        return _create_person_rows(
            person=accepted,
            password=password,
            roles=None,
            actor=None,
            request=request,
            language=preferred_language,
        )
    except Conflict:
        # Taken between the check and the insert: this refusal names an account too.
        if request is not None:
            registration_throttle.count_refusal(request)
        raise


def update_profile(
    *,
    user: User,
    phone: str,
    email: str,
    preferred_language: str,
    request: HttpRequest | None = None,
) -> User:
    errors = FieldErrors()
    if phone:
        phone = _collect(errors, "phone", clean_mobile_phone, phone) or ""
    if email:
        _collect(errors, "email", _valid_email, email)
        if "email" not in errors.fields and _email_taken(email, besides=user):
            errors.add("email", EMAIL_TAKEN)
    if preferred_language not in dict(settings.LANGUAGES):
        errors.add("preferred_language", CHOOSE_A_LANGUAGE)
    errors.raise_if_any()
    changed = {
        name: True
        for name, value in (
            ("phone", phone),
            ("email", email),
            ("preferred_language", preferred_language),
        )
        if getattr(user, name) != value
    }
    with transaction.atomic():
        user.phone, user.email, user.preferred_language = phone, email, preferred_language
        user.save(update_fields=["phone", "email", "preferred_language"])
        record_event(
            actor=user,
            action="identity.profile_updated",
            target=user,
            detail={"changed": sorted(changed)},
            request=request,
        )
    return user


def new_password_problems(*, user: User, password: str, current: str = "") -> FieldErrors:
    """What is wrong with ``password`` as ``user``'s next one: the site's password rules
    (``AUTH_PASSWORD_VALIDATORS``, which also compare it with the person's own details)
    and, when the current password is given, that it is the same one."""
    problems = FieldErrors()
    if not password:
        problems.add("new_password", _("Enter a new password."))
        return problems
    _collect(problems, "new_password", password_validation.validate_password, password, user)
    if current and password == current:
        problems.add("new_password", _("Choose a password different from your current one."))
    return problems


def set_password(
    *, user: User, password: str, request: HttpRequest | None = None, by_link: bool = False
) -> int:
    """Give ``user`` a new password, checked against the site's rules, and revoke their
    API tokens: each was issued for the old password, and whoever knew it may hold one.
    Their other signed-in sessions end by themselves (Django keys a session to the
    password). Audited with the tokens' count; returns that count. The caller has
    checked that it is the person: by the current password (``authentication``) or,
    ``by_link``, by the link sent to their email address (``recovery``)."""
    new_password_problems(user=user, password=password).raise_if_any()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        now = timezone.now()
        revoked = tokens.revoke_all(user, now)
        record_event(
            actor=user,
            action="identity.password_changed",
            target=user,
            detail={"tokens_revoked": revoked, "by": "reset link" if by_link else "password"},
            request=request,
        )
    return revoked


def register_legal_person(
    *,
    uscc: str,
    name: str,
    legal_representative: str,
    name_en: str = "",
    agents: list[User] | None = None,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> LegalPerson:
    try:
        code = clean_uscc(uscc)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"uscc": list(exc.messages)}) from exc
    if LegalPerson.objects.filter(uscc=code).exists():
        raise Conflict(
            _("This credit code is already registered."),
            fields={"uscc": [_("This credit code is already registered.")]},
        )
    with transaction.atomic():
        company = LegalPerson.objects.create(
            uscc=code,
            name=name,
            name_en=name_en,
            legal_representative=legal_representative,
        )
        record_event(
            actor=actor,
            action="identity.legal_person_registered",
            target=company,
            detail={"uscc": code, "name": name},
            request=request,
        )
        for agent in agents or []:
            company.agents.add(agent)
            add_role(
                user=agent,
                role=Role.COMPANY_AGENT,
                department=None,
                actor=actor,
                request=request,
                detail={"company": code},
            )
    return company


# --- personal data ----------------------------------------------------------------


def identity_number_for(
    *,
    viewer: Any,
    subject: User,
    request: HttpRequest | None = None,
) -> str:
    """The subject's identity number as the viewer may see it; an unmasked view of
    someone else's number is audited."""
    if not subject.id_number:
        return ""
    if not permissions.can_view_identity_number(viewer, subject):
        return mask_identity_number(subject.id_number)
    if viewer.pk != subject.pk:
        with transaction.atomic():
            record_event(
                actor=viewer,
                action="identity.personal_data_viewed",
                target=subject,
                detail={"field": "id_number"},
                request=request,
            )
    return subject.id_number


def find_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(_("No such user."), fields={"username": [_("No such user.")]})
    return user
