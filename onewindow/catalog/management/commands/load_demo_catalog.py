from typing import Any

from django.core.management.base import BaseCommand

from onewindow.catalog.demo import load_demo_catalog
from onewindow.core.demo_mode import refuse_outside_a_demo


class Command(BaseCommand):
    help = "Load the demo catalog: topics, service items, life events and synonyms."

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_outside_a_demo("load_demo_catalog", "loads the demo catalog")
        created = load_demo_catalog()
        self.stdout.write(
            f"demo catalog: {created['items']} items and {created['life_events']} life events added"
        )
