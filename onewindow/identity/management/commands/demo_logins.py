"""``manage.py demo_logins``: who to log in as in the demo city, with current 2FA codes.

Prints secrets (the shared demo password, officers' TOTP secrets and codes), so it
refuses unless DEBUG is on or ``ONEWINDOW_DEMO=1`` is set.
"""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.core.demo_mode import refuse_outside_a_demo
from onewindow.identity import demo_data
from onewindow.identity.demo import current_code
from onewindow.identity.demo_data import DemoUser
from onewindow.identity.models import User


def roles_text(item: DemoUser) -> str:
    """``window_officer @ 公安局``; citizens and agents without a department."""
    parts = [role.value for role in demo_data.public_roles(item)]
    companies = [c.name for c in demo_data.COMPANIES if item.username in c.agents]
    if companies:
        parts[-1] += f" ({', '.join(companies)})"
    for role, code in item.roles:
        dept = demo_data.department(code)
        parts.append(f"{role.value} @ {dept.short_name or dept.name}")
    return ", ".join(parts)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def text_table(rows: list[list[str]]) -> str:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table() -> str:
    rows = [["user name", "name", "roles", "password", "TOTP secret (base32)"]]
    for item in demo_data.USERS:
        rows.append(
            [
                f"`{item.username}`",
                item.full_name,
                roles_text(item),
                f"`{demo_data.DEMO_PASSWORD}`",
                f"`{item.totp_secret}`" if item.is_officer else "—",
            ]
        )
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Print the demo city's logins: user names, roles, the demo password and, for "
        "officers, the TOTP secret and current code. Only with DEBUG or ONEWINDOW_DEMO=1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--markdown",
            action="store_true",
            help="Print the markdown table of docs/demo-logins.md (no current codes).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_outside_a_demo("demo_logins", "prints passwords and two-factor secrets")
        if options["markdown"]:
            self.stdout.write(markdown_table())
            return
        self.stdout.write(self._live_table())

    def _live_table(self) -> str:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[item.username for item in demo_data.USERS])
        }
        device_keys = {
            d.user_id: d.key
            for d in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True)
        }
        rows = [["user name", "name", "roles", "password", "TOTP secret (base32)", "code now"]]
        missing: list[str] = []
        for item in demo_data.USERS:
            account = users.get(item.username)
            if account is None:
                missing.append(item.username)
            secret = code = ""
            if item.is_officer:
                key = device_keys.get(account.pk, item.totp_key) if account else item.totp_key
                secret = demo_data.base32_of(key)
                code = current_code(key)
            rows.append(
                [
                    item.username,
                    item.full_name,
                    roles_text(item),
                    demo_data.DEMO_PASSWORD,
                    secret,
                    code,
                ]
            )
        remaining = 30 - int(time.time()) % 30
        out = [
            text_table(rows),
            "",
            f"Codes change every 30 s (these for another {remaining} s); each code works once.",
            "Officers: log in with the password, then enter the code (or add the secret "
            "to any TOTP authenticator app).",
        ]
        if missing:
            out.append(
                f"Not in the database: {', '.join(missing)}. "
                "Run `ONEWINDOW_DEMO=1 manage.py load_demo_city`."
            )
        return "\n".join(out)
