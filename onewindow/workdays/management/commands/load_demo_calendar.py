from typing import Any

from django.core.management.base import BaseCommand

from onewindow.core.demo_mode import refuse_outside_a_demo
from onewindow.workdays.demo import load_demo_calendar


class Command(BaseCommand):
    help = (
        "Enter and declare the demo calendar years (provisional 2027 public holidays) "
        "unless the year has entries already. Demo data: replace with the State "
        "Council's arrangement when it is published."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_outside_a_demo("load_demo_calendar", "loads a demo working-day calendar")
        loaded = load_demo_calendar()
        self.stdout.write(f"demo calendar: {loaded} provisional year(s) entered")
