"""Factories and fixtures of the notifications tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import transaction

from onewindow.conftest import make_user, proposed_chinese
from onewindow.identity.models import User
from onewindow.notifications import services
from onewindow.notifications.models import Channel, OutboxMessage
from onewindow.notifications.sms import MemoryBackend
from onewindow.notifications.tests.chinese import PROPOSED_ZH


def digest(*, count: int) -> dict[str, Any]:
    """A digest's context: two case numbers named, the rest counted."""
    numbers = ["310000-GA-20261122-0001", "310000-GA-20261122-0002"]
    return {"count": count, "numbers": numbers, "more": count - 2, "due": date(2026, 12, 1)}


# A context for every kind, as the calling apps give it.
SAMPLES: dict[str, dict[str, Any]] = {
    "case_submitted": {"number": "310000-GA-20261122-0001", "service": "护照签发"},
    "case_decided": {
        "number": "310000-GA-20261122-0001",
        "step": "受理",
        "outcome": "受理",
        "status": "办理中",
        "note": "Bring A & B <originals>.",
        "reason": "",
        "finished": False,
    },
    "supplement_requested": {
        "number": "310000-GA-20261122-0001",
        "service": "护照签发",
        "items": [
            {"material": "身份证", "reason": "照片不清晰"},
            {"material": "户口簿", "reason": ""},
        ],
        "note": "",
    },
    "case_resumed": {"number": "310000-GA-20261122-0001", "service": "护照签发", "due": ""},
    "case_extended": {
        "number": "310000-GA-20261122-0001",
        "service": "护照签发",
        "days": 5,
        "reason": "需要实地核查",
        "due": date(2026, 12, 10),
    },
    "case_overdue": {
        "number": "310000-GA-20261122-0001",
        "service": "护照签发",
        "due": "2026-12-01",
    },
    "task_warning": {
        "number": "310000-GA-20261122-0001",
        "task": "审核",
        "department": "公安局",
        "due": datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    },
    "task_overdue": {
        "number": "310000-GA-20261122-0001",
        "task": "审核",
        "department": "公安局",
        "due": date(2026, 12, 1),
    },
    "tasks_due_soon": digest(count=7),
    "tasks_overdue": digest(count=2),
    "tasks_reminded": digest(count=4),
    "tasks_escalated": digest(count=2),
    "task_reminder": {
        "number": "310000-GA-20261122-0001",
        "task": "审核",
        "department": "公安局",
        "due": date(2026, 12, 1),
    },
    "task_escalated": {
        "number": "310000-GA-20261122-0001",
        "task": "审核",
        "department": "公安局",
        "holder": "张伟",
        "due": date(2026, 12, 1),
        "level": "department_lead",
    },
    "case_resupplied": {
        "number": "310000-GA-20261122-0001",
        "task": "受理",
        "department": "公安局",
    },
    "extension_requested": {
        "number": "310000-GA-20261122-0001",
        "task": "审核",
        "department": "公安局",
        "days": 1,
        "reason": "需要补充核查",
        "requested_by": "张伟",
    },
    "extension_decided": {
        "number": "310000-GA-20261122-0001",
        "task": "审核",
        "approved": True,
        "days": 3,
        "comment": "",
    },
    "calendar_not_configured": {"year": 2027},
    "catalog_draft_returned": {
        "code": "310000-GA-QR-0001",
        "name": "新生儿户口登记",
        "version": 2,
        "reviewer": "张伟",
        "comment": "请补充法律依据的条款。",
    },
    "catalog_draft_published": {
        "code": "310000-GA-QR-0001",
        "name": "新生儿户口登记",
        "version": 2,
        "reviewer": "张伟",
        "comment": "",
    },
}


# What a refusal's notice adds (``case_decided`` with a reason): the applicant's remedies.
REMEDIES = {
    "en": (
        "If you disagree with this decision, you may apply for administrative reconsideration "
        "within 60 days of receiving it, or bring an administrative lawsuit within six months."
    ),
    "zh-hans": (
        "如对本决定不服，可以自收到本决定之日起六十日内依法申请行政复议，"
        "或者在六个月内依法提起行政诉讼。"
    ),
}


@pytest.fixture
def chinese() -> Iterator[None]:
    """The Chinese catalogue with the notices' messages as proposed in ``chinese.py``,
    which the committed .po does not carry yet; everything is put back afterwards."""
    with proposed_chinese(PROPOSED_ZH):
        yield


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[tuple[str, str, str]]]:
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def make_recipient(
    *, email: str | None = None, phone: str = "13800000000", language: str = "zh-hans"
) -> User:
    """A person to notify. Without ``email``, the test's first is person@example.invalid
    and the next person2@, person3@…: one account per mailbox."""
    if email is None:
        taken = User.objects.filter(email__endswith="@example.invalid").count()
        email = f"person{taken + 1 if taken else ''}@example.invalid"
    user = make_user(email=email, language=language)
    if phone:
        User.objects.filter(pk=user.pk).update(phone=phone)
        user.refresh_from_db()
    return user


def notify(recipient: User, kind: str = "case_submitted", **options: Any) -> bool:
    """notify() in its own transaction, as a calling service would."""
    options.setdefault("dedupe_key", f"test:{kind}")
    options.setdefault("context", SAMPLES[kind])
    with transaction.atomic():
        return services.notify(recipient=recipient, kind=kind, **options)


def make_message(
    *,
    recipient: User,
    channel: str = Channel.EMAIL,
    address: str = "person@example.invalid",
    dedupe_key: str = "test:message",
) -> OutboxMessage:
    """An outbox row written directly, so no delivery is enqueued for it."""
    return OutboxMessage.objects.create(
        channel=channel,
        recipient=recipient,
        address=address,
        subject="办件 310000-GA-20261122-0001 有新进展",
        body="正文",
        dedupe_key=dedupe_key,
    )
