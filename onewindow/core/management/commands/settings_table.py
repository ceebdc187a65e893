from typing import Any

from django.core.management.base import BaseCommand

from onewindow.config import markdown_table


class Command(BaseCommand):
    help = "Print the environment variables OneWindow reads, as the README's markdown table."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(markdown_table())
