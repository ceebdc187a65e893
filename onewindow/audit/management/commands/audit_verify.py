from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onewindow.audit.models import AuditEvent
from onewindow.audit.verification import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain and report every edited, deleted or moved row."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"audit chain broken: {len(problems)} problem(s)")
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} events")
