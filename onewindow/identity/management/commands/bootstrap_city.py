"""``manage.py bootstrap_city``: a fresh installation's department tree and its first
platform admin (``identity.bootstrap``). Output in English, as Django's own commands."""

from __future__ import annotations

import dataclasses
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from onewindow.core.errors import ServiceError
from onewindow.identity import bootstrap, department_tree, two_factor
from onewindow.identity.roles import Role

PASSWORD_ATTEMPTS = 3

FIRST_LOGIN = (
    "Two-factor: the platform admin holds an officer role, so after their password at "
    "/login/ the site takes them to /account/2fa/ and, as they have no authenticator yet, "
    "shows a QR code (and its key) to add to an authenticator app (TOTP, 6 digits, 30 s); "
    "entering the code the app then shows completes the set-up. Until then they can only "
    "log out."
)
# With an email address on the account, the first set-up also proves the mailbox.
BY_MAIL = (
    "The account has an email address, so the set-up also asks for the code the site "
    "emails there (valid {minutes} minutes): mail must be configured (ONEWINDOW_EMAIL_URL), "
    "or the code is only written under $ONEWINDOW_VAR_DIR/mail."
)
# Only for an account the command made: an existing one keeps its owner's password.
NEW_PASSWORD = (
    "Whoever logs in first with this password sets up the authenticator: give the "
    "password to the admin alone, and have them log in soon."
)


class Command(BaseCommand):
    help = (
        "Set up a fresh installation: load the department tree from a JSON or CSV file "
        "(checked whole first; created or updated, never deleted or moved; audited) and "
        "create the first platform admin at its root. Safe to run again. The password is "
        "asked twice, or read from the environment variable --password-env names."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--departments",
            type=Path,
            metavar="FILE",
            help='The department tree: a .json file {"departments": [...]} or a .csv file '
            "with the columns code, name, kind, parent and optionally name_en, short_name, "
            "short_name_en, division_code. See docs/first-install.md.",
        )
        parser.add_argument(
            "--admin", metavar="USERNAME", help="Create (or find) this platform admin."
        )
        parser.add_argument("--full-name", default="", help="The admin's full name.")
        parser.add_argument("--email", default="", help="The admin's email address.")
        parser.add_argument(
            "--id-number", default="", help="The admin's resident identity number (optional)."
        )
        parser.add_argument(
            "--phone", default="", help="The admin's mobile phone number (optional)."
        )
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help="Read the new admin's password from this environment variable instead of "
            "asking for it (never give a password on the command line).",
        )
        parser.add_argument(
            "--add-admin",
            action="store_true",
            help="Make this person a platform admin although another one exists.",
        )
        parser.add_argument(
            "--existing-account",
            action="store_true",
            help="USERNAME is an existing account, the person's: grant it the role.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and say what would change, then write nothing.",
        )

    # English throughout, as Django's own commands: the services' messages too, which
    # would otherwise come in the default language, mixed with the command's own.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        if not options["departments"] and not options["admin"]:
            raise CommandError("Nothing to do: give --departments FILE, --admin USERNAME or both.")
        try:
            departments = self._departments(options["departments"])
            admin = self._admin(options, departments)
            report = bootstrap.bootstrap_city(
                departments=departments, admin=admin, dry_run=options["dry_run"]
            )
        except ServiceError as error:
            raise CommandError(_described(error)) from error
        self._summary(report, options["verbosity"])

    def _departments(self, path: Path | None) -> bootstrap.DepartmentFile | None:
        if path is None:
            return None
        if not path.is_file():
            raise CommandError(f"cannot read {path}: no such file")
        return department_tree.read_departments(path)

    def _admin(
        self, options: dict[str, Any], departments: bootstrap.DepartmentFile | None
    ) -> bootstrap.AdminRequest | None:
        if not options["admin"]:
            return None
        request = bootstrap.AdminRequest(
            username=options["admin"],
            full_name=options["full_name"],
            email=options["email"],
            id_number=options["id_number"],
            phone=options["phone"],
            add_admin=options["add_admin"],
            existing_account=options["existing_account"],
        )
        # What would be refused is, before the password is asked (and again in the run).
        if not bootstrap.preflight(departments=departments, admin=request):
            if options["password_env"]:
                self.stdout.write(
                    f"{request.username} has an account already: its password is not changed."
                )
            return request
        password = self._password(request, options["password_env"])
        return dataclasses.replace(request, password=password)

    def _password(self, request: bootstrap.AdminRequest, variable: str | None) -> str:
        if variable:
            password = os.environ.get(variable, "")
            if not password:
                raise CommandError(f"The environment variable {variable} is empty or not set.")
            problems = bootstrap.password_problems(request, password)
            if problems:
                raise CommandError("The password is refused:\n" + "\n".join(problems))
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                "No terminal to ask the password on: use --password-env VAR for automation."
            )
        for _attempt in range(PASSWORD_ATTEMPTS):
            password = getpass.getpass(f"Password for {request.username}: ")
            if password != getpass.getpass("The same password again: "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            problems = bootstrap.password_problems(request, password)
            if not problems:
                return password
            self.stderr.write("\n".join(problems))
        raise CommandError("No password was set: nothing was written.")

    def _summary(self, report: bootstrap.BootstrapReport, verbosity: int) -> None:
        say = self.stdout.write
        # A dry run wrote nothing: it says what the run would do, never what it did.
        dry = report.dry_run
        if dry:
            say("Dry run: nothing was written. This is what the run would do.")
        if report.created or report.updated or report.unchanged:
            if dry:
                say(
                    f"Departments: {len(report.created)} to create, {len(report.updated)} "
                    f"to update, {len(report.unchanged)} unchanged."
                )
            else:
                say(
                    f"Departments: {len(report.created)} created, {len(report.updated)} "
                    f"updated, {len(report.unchanged)} unchanged."
                )
        if verbosity >= 2:
            for department in report.created:
                verb = "would create" if dry else "created"
                say(f"  {verb} {department.code} {department.name}")
        for department, changed in report.updated:
            changes = "; ".join(f"{name} {old!r} → {new!r}" for name, (old, new) in changed.items())
            verb = "would update" if dry else "updated"
            say(f"  {verb} {department.code}: {changes}")
        user, root = report.admin_user, report.root
        if user is None or root is None:
            return
        where = f"{Role.PLATFORM_ADMIN.value} at {root.code} ({root.name})"
        if report.admin == "unchanged":
            say(f"Platform admin: {user.username} holds {where} already; nothing changed.")
            return
        who = f"{user.username} ({user.full_name})"
        if report.admin == "created" and dry:
            say(f"Platform admin: would create the account {who} and grant it {where}.")
        elif report.admin == "created":
            say(f"Platform admin: created the account {who} and granted it {where}.")
        elif dry:
            say(f"Platform admin: would grant {who} {where}.")
        else:
            say(f"Platform admin: granted {who} {where}.")
        if dry:
            return  # what to do after the run is said after the run
        if report.admin_enrolled:
            say("Two-factor: they log in with the authenticator they set up already.")
        else:
            say(FIRST_LOGIN)
            if two_factor.needs_mailbox_code(user):
                say(BY_MAIL.format(minutes=settings.OTP_EMAIL_TOKEN_VALIDITY // 60))
            if report.admin == "created":
                say(NEW_PASSWORD)
        say(
            "Next: the admin grants department admins and officers their roles on each "
            "department's page, /officer/departments/<code>/ (see docs/first-install.md)."
        )


# The admin's details by the option that gave them.
OPTIONS = {
    "username": "--admin",
    "full_name": "--full-name",
    "email": "--email",
    "id_number": "--id-number",
    "phone": "--phone",
}


def _described(error: ServiceError) -> str:
    lines = [str(error.message)]
    for name, messages in error.fields.items():
        for message in messages:
            # A department file's problems name their own place.
            where = "" if name == "departments" else f"{OPTIONS.get(name, name)}: "
            lines.append(f"{where}{message}")
    return "\n".join(lines)
