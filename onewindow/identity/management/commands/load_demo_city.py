"""``manage.py load_demo_city``: the populated demo city of ``identity.demo_data``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onewindow.core.demo_mode import refuse_outside_a_demo
from onewindow.identity import demo_data
from onewindow.identity.demo import load_demo_city
from onewindow.identity.models import Department, LegalPerson, User


class Command(BaseCommand):
    help = (
        "Create the demo city (departments, demo people with every role, a company, "
        "officers' authenticators). Safe to run again: it only adds what is missing. "
        "Demo accounts share a public password: never run this in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_outside_a_demo(
            "load_demo_city", "creates accounts with a published password and two-factor secrets"
        )
        verbose = options["verbosity"] >= 2
        load_demo_city(stdout=self.stdout if verbose else None)
        departments = Department.objects.filter(
            code__in=[item.code for item in demo_data.DEPARTMENTS]
        ).count()
        users = User.objects.filter(
            username__in=[item.username for item in demo_data.USERS]
        ).count()
        companies = LegalPerson.objects.filter(
            uscc__in=[item.uscc for item in demo_data.COMPANIES]
        ).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city ready: {departments} departments, {users} users, "
                f"{companies} legal person(s). Logins: `ONEWINDOW_DEMO=1 manage.py demo_logins`."
            )
        )
