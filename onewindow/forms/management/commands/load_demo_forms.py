from typing import Any

from django.core.management.base import BaseCommand

from onewindow.core.demo_mode import refuse_outside_a_demo
from onewindow.forms.demo import load_demo_forms


class Command(BaseCommand):
    help = "Load the demo form definitions (new versions only for changed files)."

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_outside_a_demo("load_demo_forms", "loads the demo forms")
        created = load_demo_forms()
        self.stdout.write(f"demo forms: {created} definition versions added")
