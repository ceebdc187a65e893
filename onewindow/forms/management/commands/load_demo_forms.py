from typing import Any

from django.core.management.base import BaseCommand

from onewindow.forms.demo import load_demo_forms


class Command(BaseCommand):
    help = "Load the demo form definitions (new versions only for changed files)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo_forms()
        self.stdout.write(f"demo forms: {created} definition versions added")
