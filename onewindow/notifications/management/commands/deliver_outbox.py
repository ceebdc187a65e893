"""``manage.py deliver_outbox [--message ID]``: send due outbox rows now, as the
worker's sweep does, or one row; prints how many were sent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.notifications import services
from onewindow.notifications.models import OutboxMessage


class Command(BaseCommand):
    help = "Send the due pending emails and text messages of the notification outbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--message", type=int, help="send only this outbox row")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["message"]:
            if not OutboxMessage.objects.filter(pk=options["message"]).exists():
                raise CommandError(f"There is no outbox message {options['message']}.")
            sent = int(services.deliver_message(message_id=options["message"]))
        else:
            sent = services.deliver_pending()
        self.stdout.write(str(sent))
