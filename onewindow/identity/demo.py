"""Loading the demo city of ``demo_data`` into the database.

Idempotent: departments are upserted; people, the company and the officers'
authenticators are created only when missing, so a second run changes nothing.
People and the company are created through the identity services, which audit them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.audit.services import record_event
from onewindow.identity import demo_data, services
from onewindow.identity.models import Department, LegalPerson, User
from onewindow.identity.roles import Role

Say = Callable[[str], None]


class Writer(Protocol):
    """A stream: ``sys.stdout``, ``StringIO`` or a management command's ``self.stdout``."""

    def write(self, text: str, /) -> object: ...


def current_code(hex_key: str, step: int = 30, digits: int = 6) -> str:
    """The TOTP code a demo officer's authenticator shows now, for their hex key."""
    return f"{totp(bytes.fromhex(hex_key), step=step, digits=digits):0{digits}d}"


def load_demo_city(stdout: Writer | None = None) -> None:
    """Create (or complete) the demo city. ``stdout`` receives one line per creation."""

    def say(line: str) -> None:
        if stdout is not None:
            stdout.write(line + "\n")

    with transaction.atomic():
        departments = _load_departments()
        users = _load_users(departments, say)
        _load_companies(users, say)
        _load_devices(users, say)


def _load_departments() -> dict[str, Department]:
    loaded: dict[str, Department] = {}
    # DEPARTMENTS lists parents first: Department.save builds ``path`` from the parent.
    for item in demo_data.DEPARTMENTS:
        loaded[item.code], _ = Department.objects.update_or_create(
            code=item.code,
            defaults={
                "name": item.name,
                "name_en": item.name_en,
                "short_name": item.short_name,
                "short_name_en": item.short_name_en,
                "kind": item.kind,
                "parent": loaded[item.parent] if item.parent else None,
                "division_code": item.division_code,
            },
        )
    return loaded


def _load_users(departments: dict[str, Department], say: Say) -> dict[str, User]:
    loaded: dict[str, User] = {}
    for item in demo_data.USERS:
        existing = User.objects.filter(username=item.username).first()
        if existing is not None:
            loaded[item.username] = existing
            continue
        roles: list[tuple[str, Department | None]] | None = [
            (role.value, departments[code]) for role, code in item.roles
        ] or None
        created = services.create_person(
            username=item.username,
            password=demo_data.DEMO_PASSWORD,
            full_name=item.full_name,
            id_number=item.id_number,
            phone=item.phone,
            email=item.email,
            roles=roles,
        )
        created.preferred_language = item.language
        # Staff: the platform admins, who keep the calendar and the waiting runs in
        # Django's admin. (The city's supervisor reads the audit trail there without
        # being staff: ``core.admin_site``.)
        created.is_staff = any(role == Role.PLATFORM_ADMIN for role, _code in item.roles)
        with transaction.atomic():
            created.save(update_fields=["preferred_language", "is_staff"])
            record_event(
                actor=None,
                action="identity.demo_profile_set",
                target=created,
                detail={"language": item.language, "admin_site": created.is_staff},
            )
        loaded[item.username] = created
        say(f"created user {item.username} ({item.full_name})")
    return loaded


def _load_companies(users: dict[str, User], say: Say) -> None:
    for item in demo_data.COMPANIES:
        if LegalPerson.objects.filter(uscc=item.uscc).exists():
            continue
        services.register_legal_person(
            uscc=item.uscc,
            name=item.name,
            name_en=item.name_en,
            legal_representative=item.legal_representative,
            agents=[users[username] for username in item.agents],
        )
        say(f"registered company {item.uscc} ({item.name})")


def _load_devices(users: dict[str, User], say: Say) -> None:
    for item in demo_data.USERS:
        if not item.is_officer:
            continue
        officer = users[item.username]
        if TOTPDevice.objects.filter(user=officer, confirmed=True).exists():
            continue
        TOTPDevice.objects.create(
            user=officer, name=demo_data.TOTP_DEVICE_NAME, key=item.totp_key, confirmed=True
        )
        say(f"enrolled authenticator for {item.username}")
