from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.cases.models import Case
from onewindow.cases.starting import start_from_shell


class Command(BaseCommand):
    help = (
        "Start the processes of cases filed queued now, without waiting for the catch-up's "
        "next try: the cases named by number, or every queued case. For operators, once "
        "the cause of failed starts is fixed (/healthz, audit: cases.run_start_failed). "
        "The request is audited (cases.run_start_requested) with the server account. "
        "A number that is not a queued case is named, and the command fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("numbers", nargs="*", help="case numbers (default: every queued case)")

    def handle(self, *args: Any, **options: Any) -> None:
        numbers: list[str] = options["numbers"]
        # Told before the starts: a case started meanwhile by the catch-up was queued
        # when asked for, and is not reported as a mistyped number.
        not_queued = _not_queued(numbers)
        report = start_from_shell(numbers)
        for problem in report.problems:
            self.stderr.write(f"could not start: {problem}")
        for number in not_queued:
            self.stderr.write(f"not a queued case: {number}")
        self.stdout.write(f"queued runs started: {report.started}")
        if not_queued:
            # Non-zero exit: a script that named a case must not take "started: 0" for
            # its start.
            raise CommandError("some numbers given are not queued cases (named above)")


def _not_queued(numbers: list[str]) -> list[str]:
    """The numbers, each once and in the order given, of no case waiting for its run: no
    such case, or one whose run has started (or a life event's item, which waits with
    the event's number)."""
    queued = set(
        Case.objects.filter(run_queued=True, number__in=numbers).values_list("number", flat=True)
    )
    return [number for number in dict.fromkeys(numbers) if number not in queued]
