from typing import Any

from django.core.management.base import BaseCommand

from onewindow.cases.demo import load_demo_cases
from onewindow.core.demo_mode import refuse_outside_a_demo


class Command(BaseCommand):
    help = "Load the demo processes, bind them to demo items and file demo cases."

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_outside_a_demo("load_demo_cases", "files demo cases")
        created = load_demo_cases()
        self.stdout.write(f"demo cases: {created} added")
