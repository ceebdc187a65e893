"""Request and response bodies of the cases API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class CaseIn(Schema):
    service: str = Field(max_length=40, description="A service item's or life event's code")
    data: dict[str, Any] = Field(
        default_factory=dict,
        description='Answers to its form; uploads as "attachments": {"<slot>": <id>}',
    )
    company: str = Field(default="", max_length=18, description="The company's credit code")


class TimelineOut(Schema):
    step: str
    department: str
    outcome: str
    outcome_label: str
    at: datetime
    comment: str
    note_for_applicant: str


class CaseSummaryOut(Schema):
    number: str
    service: str
    service_name: str
    department: str
    status: str
    status_label: str
    created_at: datetime
    updated_at: datetime


class CaseOut(CaseSummaryOut):
    data: dict[str, Any]
    attachments: list[int]
    timeline: list[TimelineOut]
    children: list[CaseOut]


class DecisionIn(Schema):
    outcome: str = Field(max_length=16)
    comment: str = Field(default="", max_length=2000)
    note_for_applicant: str = Field(default="", max_length=2000)


class TaskOut(Schema):
    id: int
    name: str
    department: str
    status: str
    claimed_by: str
    created_at: datetime
    case: str
    service: str
    case_status: str


class AttachmentOut(Schema):
    id: int
    slot: str
    name: str
    size: int
