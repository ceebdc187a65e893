"""``manage.py check_processes``: the stored process versions the upload checks of today
would refuse, each with the cases still running on it, for the admins to upload a
corrected version after an upgrade that added a check. Exits 1 when there is one (a
deployment's checks can stop on it); the versions keep running their cases meanwhile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from onewindow.workflow import services
from onewindow.workflow.choices import InstanceStatus
from onewindow.workflow.models import ProcessDefinition


class Command(BaseCommand):
    help = (
        "List the stored process versions today's upload checks refuse, with their running "
        "cases and every problem; exit 1 if there is one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the problems (default: the site's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checked = refused = 0
        with translation.override(options["language"]):
            for definition in ProcessDefinition.objects.order_by("key", "version").iterator():
                checked += 1
                problems = services.upload_problems(definition)
                if not problems:
                    continue
                refused += 1
                running = definition.instances.filter(status=InstanceStatus.RUNNING).count()
                self.stdout.write(
                    f"{definition.key} v{definition.version} ({definition.name}): "
                    f"{running} running case(s), {len(problems)} problem(s)"
                )
                for problem in problems:
                    self.stdout.write(f"  - {problem.message}")
        if refused:
            raise CommandError(
                f"{refused} of {checked} stored process version(s) would be refused at upload today"
            )
        self.stdout.write(f"all {checked} stored process version(s) pass today's upload checks")
