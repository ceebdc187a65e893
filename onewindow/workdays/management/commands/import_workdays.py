"""``manage.py import_workdays FILE``: one year's holidays and adjusted working days."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from onewindow.core.errors import ServiceError
from onewindow.workdays import services
from onewindow.workdays.demo import read_year


class Command(BaseCommand):
    help = (
        "Replace one year's working-day overrides with a JSON file shaped "
        '{"year": 2027, "note": "...", "days": [{"day": "2027-01-01", "working": false, '
        '"name": "元旦", "name_en": "New Year\'s Day"}, ...]} and declare the year '
        "complete (unless --no-declare). Nothing is stored if any row is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--no-declare",
            action="store_true",
            help="Store the days but leave the year undeclared (not yet usable).",
        )

    @no_translations  # in English, as Django's own commands and bootstrap_city
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = read_year(options["file"])
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from error
        try:
            result = services.import_year(
                actor=None, document=document, declare=not options["no_declare"]
            )
        except ServiceError as error:
            problems = [f"{name}: {m}" for name, msgs in error.fields.items() for m in msgs]
            # The message of a refusal with fields is its first problem again, unplaced.
            first = "The file has problems; nothing was written." if problems else error.message
            raise CommandError("\n".join([str(first), *problems])) from error
        self.stdout.write(
            f"{result.year}: {result.added} added, {result.changed} changed, "
            f"{result.removed} removed, {result.unchanged} unchanged; "
            f"{'declared complete' if result.declared else 'not declared'}"
        )
