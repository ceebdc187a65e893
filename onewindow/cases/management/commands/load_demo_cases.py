from typing import Any

from django.core.management.base import BaseCommand

from onewindow.cases.demo import load_demo_cases


class Command(BaseCommand):
    help = "Load the demo processes, bind them to demo items and file demo cases."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo_cases()
        self.stdout.write(f"demo cases: {created} added")
