from __future__ import annotations

from datetime import datetime

from ninja import Schema


class SearchHitOut(Schema):
    code: str
    name: str
    name_en: str
    department: str
    department_name: str
    department_name_en: str
    audience: str
    online_level: int
    # Whether an application can be filed online now (the item has a form and a process);
    # the level is what the department declares.
    applies_online: bool
    topics: list[str]
    summary: str
    summary_en: str
    promised_limit_days: int
    max_visits: int
    highlight: str
    highlight_en: str
    score: float


class EventHitOut(Schema):
    code: str
    name: str
    name_en: str


class SearchOut(Schema):
    results: list[SearchHitOut]
    total: int
    events: list[EventHitOut]
    facets: dict[str, dict[str, int]]
    synonyms_used: list[str]


class ItemSummaryOut(Schema):
    code: str
    name: str
    name_en: str
    department: str
    audience: str
    kind: str
    online_level: int
    applies_online: bool
    promised_limit_days: int
    max_visits: int


class MaterialOut(Schema):
    name: str
    name_en: str
    form: str
    count: int
    source: str
    source_department: str | None
    certificate_type: str
    certificate_type_en: str
    required: bool
    notes: str
    notes_en: str


class OfficeOut(Schema):
    address: str = ""
    address_en: str = ""
    hours: str = ""
    hours_en: str = ""
    phone: str = ""


class FaqOut(Schema):
    q: str = ""
    a: str = ""
    q_en: str = ""
    a_en: str = ""


class ItemOut(ItemSummaryOut):
    version: int
    department_name: str
    co_departments: list[str]
    topics: list[str]
    summary: str
    summary_en: str
    legal_basis: str
    legal_basis_en: str
    conditions: str
    conditions_en: str
    statutory_limit_days: int
    is_free: bool
    fee_amount: str
    fee_basis: str
    fee_basis_en: str
    channels: list[str]
    offices: list[OfficeOut]
    faq: list[FaqOut]
    materials: list[MaterialOut]
    published_at: datetime | None


class BreadthOut(Schema):
    items: int
    # The levels the departments declare in their guides.
    l3_plus: int
    l5: int
    l3_plus_share: float
    l5_share: float
    # The items that take applications online now (bound to a form and a process).
    applications: int
    applications_share: float


class DepartmentBreadthOut(Schema):
    department: str
    name: str
    name_en: str
    breadth: BreadthOut


class CityBreadthOut(Schema):
    overall: BreadthOut
    departments: list[DepartmentBreadthOut]
    audiences: dict[str, BreadthOut]


class TopicOut(Schema):
    code: str
    name: str
    name_en: str
    items: int


class EventStepOut(Schema):
    order: int
    item: str
    name: str
    name_en: str
    department: str
    depends_on: list[str]
    note: str
    note_en: str


class LifeEventOut(Schema):
    code: str
    audience: str
    stage: int
    name: str
    name_en: str
    summary: str
    summary_en: str
    outcome: str
    outcome_en: str
    departments: list[str]
    steps: list[EventStepOut]
