"""Request and response bodies of the cases API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, Field, StrictBool

from onewindow.cases.choices import CaseStatus, Deadline, InboxOrder
from onewindow.cases.entries import EntryRole
from onewindow.workflow.choices import Outcome, TaskStatus


class CaseIn(Schema):
    service: str = Field(max_length=40, description="A service item's or life event's code")
    data: dict[str, Any] = Field(
        default_factory=dict,
        description='Answers to its form; uploads as "attachments": {"<slot>": <id>}',
    )
    company: str = Field(default="", max_length=18, description="The company's credit code")


class TimelineOut(Schema):
    step: str
    step_en: str = Field(default="", description="Its English name, where the process gives one")
    department: str
    role: EntryRole = Field(
        description="Who made the entry: `applicant` for the applicant's side (the "
        "applicant, an agent of the company, any answer to a supplement request), else "
        "the officer role of the step; empty where neither is known"
    )
    role_label: str = Field(description="The role in words, in the caller's language")
    outcome: str
    outcome_label: str
    at: datetime
    comment: str
    note_for_applicant: str
    unanswered: list[str] = Field(
        default_factory=list,
        description="An answer to a supplement request: the materials named in words "
        "whose file was optional (a question to correct, an explanation) that it sent no "
        "file for, in the caller's language",
    )


class ClockOut(Schema):
    state: str  # running | paused | stopped
    colour: str  # green | yellow | red | paused | on_time | late | unknown
    label: str
    started_at: datetime
    due_at: datetime | None
    limit_days: int  # working days, extensions included
    extended_days: int
    used_days: int
    remaining_days: int


class SupplementItemIn(Schema):
    slot: str = Field(default="", max_length=100, description="An attachment slot of the form")
    material: str = Field(default="", max_length=500, description="The material, in words")
    reason: str = Field(max_length=500, description="What is missing or wrong")
    # Sent to the service only when given: absent, the service decides (a file, unless
    # the material names a question of the form).
    needs_file: bool | None = Field(
        default=None,
        description="Whether the answer must bring a file of a material named in words; "
        "false for an explanation; by default yes, unless it names a question of the "
        "form (whose answer is corrected instead)",
    )


class SupplementRequestIn(Schema):
    items: list[SupplementItemIn] = Field(min_length=1, max_length=20)
    note: str = Field(default="", max_length=2000)


class SupplementItemOut(Schema):
    slot: str = Field(description="The form's slot asked for again; empty for one named in words")
    material: str
    reason: str
    upload: str = Field(
        description="The slot its file is uploaded for (POST /cases/{number}/supplement/"
        "attachments) and answered under"
    )
    required: bool = Field(
        description="Whether the answer must bring a file for it: a form's slot must, and "
        "a material named in words unless it names a question of the form (corrected "
        "instead) or was asked for as an explanation (needs_file false)"
    )


class SupplementOut(Schema):
    id: int
    case: str
    task: str
    task_en: str = Field(default="", description="Its English name, where the process gives one")
    department: str
    status: str
    requested_at: datetime
    items: list[SupplementItemOut] = Field(description="Each material asked for")
    note: str
    answered_at: datetime | None


class ResupplyIn(Schema):
    attachments: dict[str, int] = Field(
        default_factory=dict, description='Uploads for the requested slots: {"<slot>": <id>}'
    )
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="Corrected answers: each question the request names is required",
    )
    explanations: dict[str, str] = Field(
        default_factory=dict,
        description="The explanation of each item asked for in words (needs_file false, no "
        'question of the form), by the item\'s number in the request from 1: {"2": "..."}',
    )
    comment: str = Field(default="", max_length=2000)


class ExtensionIn(Schema):
    days: int = Field(ge=1, le=60, description="Working days to add")
    reason: str = Field(min_length=1, max_length=2000)


class ExtensionDecisionIn(Schema):
    # Strict: pydantic would read "yes", "on" or 1 as true, and a decision must be one.
    approve: StrictBool = Field(description="true approves the extension, false refuses it")
    comment: str = Field(default="", max_length=2000)


class ExtensionOut(Schema):
    id: int
    case: str
    task: str
    task_en: str = Field(default="", description="Its English name, where the process gives one")
    days: int
    reason: str
    status: str
    requested_by: str = Field(
        description="The requesting officer's user name; empty on the applicant's side"
    )
    requested_at: datetime
    decided_by: str = Field(
        description="The deciding officer's user name; empty until decided, and on the "
        "applicant's side"
    )
    decided_at: datetime | None
    decision_comment: str


class CaseSummaryOut(Schema):
    number: str
    service: str
    service_name: str
    service_name_en: str
    department: str
    company: str = Field(
        description="The unified social credit code of the company applied for; empty for "
        "an application a person made for themself"
    )
    status: CaseStatus
    status_label: str
    created_at: datetime
    updated_at: datetime


class CaseOut(CaseSummaryOut):
    waiting: bool = Field(
        default=False,
        description="A life event's item its event's run has not reached yet: not begun, "
        "though its status still reads as filed (the pages say it waits for the steps "
        "before it)",
    )
    data: dict[str, Any] = Field(
        description="The answers. An officer reading a life event gets its items' answers "
        "in their own data, those of the items of the officer's departments only, and "
        "the event's own data empty"
    )
    attachments: list[int] = Field(
        description="Its files' ids (of a life event, for an officer, those of the "
        "items of the officer's departments; of a life event's item, the event's files "
        "its form asks for)"
    )
    timeline: list[TimelineOut]
    children: list[CaseOut]
    clock: ClockOut | None = Field(description="The promised time limit, from acceptance")
    supplements: list[SupplementOut]
    extensions: list[ExtensionOut] = Field(description="Approved extensions")


class DecisionIn(Schema):
    outcome: Outcome = Field(
        description="Each step offers some of these (a window's acceptance: accept or "
        "not_accepted); another answers 422 ``outcome_not_offered``. not_accepted and "
        "reject need a ``comment``, the reason"
    )
    comment: str = Field(
        default="",
        max_length=2000,
        description="Kept on the case's record and shown to the applicant on their "
        "timeline (a refusal's reason, too): nothing meant only for colleagues",
    )
    note_for_applicant: str = Field(
        default="", max_length=2000, description="A further note to the applicant on this step"
    )


class TaskOut(Schema):
    id: int
    name: str
    name_en: str = Field(default="", description="Its English name, where the process gives one")
    department: str
    status: TaskStatus
    claimed_by: str
    created_at: datetime
    case: str
    service: str
    case_status: CaseStatus | Literal[""] = Field(description="Empty for a task of no case")
    clock: ClockOut | None = Field(description="The step's time limit, else the case's")


class FormSlotOut(Schema):
    key: str = Field(description="The key to give in `data.attachments` and to upload to.")
    label: str
    required: bool
    types: list[str] = Field(description="File types accepted, checked by content.")
    max_mb: float


class ApplicationFormOut(Schema):
    service: str
    title: str
    data_schema: dict[str, Any] = Field(
        description=(
            "JSON Schema (draft 2020-12) of `data`, with OneWindow's keywords: `notBefore` "
            "and `notAfter` on dates (`today` or an ISO date), `x-prefill` (filled from "
            "the applicant's account on the pages), `matchesIdNumber` (a birth date or sex "
            "the named identity number must hold), `isApplicants` (the account's own "
            "value), `holderSex` (`male` or `female`: whose identity number it must be)."
        )
    )
    layout: dict[str, Any] = Field(description="How the pages group and label the fields.")
    attachments: list[FormSlotOut]


class AttachmentOut(Schema):
    id: int
    slot: str
    name: str
    size: int


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


# A filter left empty (``?status=``, as a form sends it) filters nothing.
Blank = BeforeValidator(_blank_is_none)


class InboxFilterIn(Schema):
    service: str = Field("", description="A service item's or life event's code")
    mine: bool = Field(False, description="Only the tasks the caller has claimed")
    status: Annotated[CaseStatus | None, Blank] = Field(None, description="The case's status")
    deadline: Annotated[Deadline | None, Blank] = Field(
        None,
        description="How the task's time stands (its step's limit, else its case's): "
        "overdue, due_soon (yellow: 80% used), on_track, or supplement (waiting for the "
        "applicant)",
    )
    order: Annotated[InboxOrder | None, Blank] = Field(
        None,
        description="oldest (the default: as the tasks came), newest, or last_day (the "
        "nearest last day first, by the step's limit, else the case's; tasks without a "
        "running limit last)",
    )
