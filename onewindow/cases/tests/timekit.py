"""Fixed 2026 moments and short-hands for the time-limit tests.

Hand-checked dates (2026 official calendar, as the workdays package knows it): March
has no holidays; Qingming is Mon 04-06 (with the weekend 04-04, 04-05 before it).
Mon 2026-03-02 is a Monday; 03-07/08 and 03-14/15 are weekends.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.conftest import PASSWORD, otp_for
from onewindow.forms import queries as forms_queries
from onewindow.forms.attachments import store_attachment
from onewindow.forms.models import Attachment
from onewindow.forms.tests.files import PNG
from onewindow.identity import demo_data
from onewindow.identity.demo_data import DEMO_PASSWORD
from onewindow.identity.models import User
from onewindow.identity.permissions import is_officer
from onewindow.workflow import services as workflow_services
from onewindow.workflow.models import Clock, WorkTask

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in the city's time: ``at("2026-03-02", 10)``."""
    year, month, dom = (int(part) for part in day.split("-"))
    return datetime(year, month, dom, hour, minute, tzinfo=SHANGHAI)


def midnight(day: str) -> datetime:
    """Local midnight starting ``day``: the close of the day before."""
    return at(day, 0)


@contextmanager
def travel(moment: datetime) -> Iterator[Any]:
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller


def decide(user: User, task: WorkTask, outcome: str, *, claim: bool = True) -> Case:
    if claim:
        workflow_services.claim_task(actor=user, task_id=task.pk)
    return services.decide_task(actor=user, task_id=task.pk, outcome=outcome, comment="理由")


def accepted_passport(world: dict[str, User], moment: datetime) -> tuple[Case, WorkTask]:
    """citizen.wang's passport case, filed and accepted at ``moment``; its review task
    (limit 5 working days) waits in the 公安 inbox. The case's limit is 7."""
    with travel(moment):
        case = submit(world["citizen.wang"], PASSPORT)
        decide(world["ga.window"], open_task(case, "Task_accept"), "accept")
    case.refresh_from_db()
    return case, open_task(case, "Task_review")


def upload(
    user: User,
    slot: str = "photo",
    *,
    form: str = "passport",
    name: str = "new.png",
    content: bytes = PNG,
) -> Attachment:
    """A file ``user`` uploaded for ``slot`` of the latest version of ``form``."""
    return store_attachment(
        owner=user,
        definition=forms_queries.latest_definition(form),
        slot=slot,
        upload=SimpleUploadedFile(name, content),
    )


def clock_of(obj: Case | WorkTask) -> Clock:
    """The object's clock, read again from the database."""
    clock = type(obj).objects.select_related("clock").get(pk=obj.pk).clock
    assert clock is not None
    return clock


def signed_in(user: User) -> Client:
    """A browser signed in as ``user`` (second factor included), reading English. Sign a
    user in once per moment: a one-time code is not accepted twice."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    demo = any(u.username == user.username for u in demo_data.USERS)
    password = DEMO_PASSWORD if demo else PASSWORD
    response = client.post("/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content
    if is_officer(user):
        response = client.post("/account/2fa/", {"otp": otp_for(user)})
        assert response.status_code == 302, response.content
    return client


def text(response: Any) -> str:
    """The page's words, tags removed, entities read and spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
