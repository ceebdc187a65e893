from typing import Any

from django.core.management.base import BaseCommand

from onewindow.catalog.demo import load_demo_catalog


class Command(BaseCommand):
    help = "Load the demo catalog: topics, service items, life events and synonyms."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo_catalog()
        self.stdout.write(
            f"demo catalog: {created['items']} items and {created['life_events']} life events added"
        )
