from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onewindow.cases.starting import start_from_shell


class Command(BaseCommand):
    help = (
        "Start the processes of cases filed queued now, without waiting for the catch-up's "
        "next try: the cases named by number, or every queued case. For operators, once "
        "the cause of failed starts is fixed (/healthz, audit: cases.run_start_failed). "
        "The request is audited (cases.run_start_requested) with the server account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("numbers", nargs="*", help="case numbers (default: every queued case)")

    def handle(self, *args: Any, **options: Any) -> None:
        report = start_from_shell(options["numbers"])
        for problem in report.problems:
            self.stderr.write(f"could not start: {problem}")
        self.stdout.write(f"queued runs started: {report.started}")
