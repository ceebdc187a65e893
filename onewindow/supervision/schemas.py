"""Response bodies of the supervision API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from onewindow.core.paging import PageIn


class TimeLimitsIn(PageIn):
    department: str = Field(
        "",
        max_length=32,
        description="A department's code: only its late cases (and those under it), and "
        "others' with a late step of its",
    )


class StepOut(Schema):
    task: str
    department: str
    holder: str  # the officer's name when holder_kind is "officer", else ""
    # Who has it: "officer" (holder), "applicant" (stopped for their supplement) or
    # "queue" (in its department's inbox), as longest_holder_kind.
    holder_kind: str


class LateCaseOut(Schema):
    number: str
    service: str
    colour: str  # yellow (at risk) or red (overdue)
    due_at: datetime | None
    overdue_days: int
    # The step whose clock colour, due_at and overdue_days are; null for the case's own.
    clock_step: StepOut | None
    current: list[StepOut]
    longest_holder_department: str
    longest_holder: str
    longest_holder_kind: str
    longest_working_days: float


class DepartmentLateOut(Schema):
    department: str
    department_name: str
    overdue: int
    at_risk: int
    cases: list[LateCaseOut]
