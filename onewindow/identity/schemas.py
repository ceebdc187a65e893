from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field
from pydantic.json_schema import JsonDict

# Empty ones are refused with the login's own messages (``check_token_login``), not
# pydantic's: the schema only says so, it does not validate.
_NOT_EMPTY: JsonDict = {"minLength": 1}


class TokenIn(Schema):
    username: str = Field(json_schema_extra=_NOT_EMPTY)
    password: str = Field(json_schema_extra=_NOT_EMPTY)
    otp: str = ""


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime


class RoleOut(Schema):
    role: str
    role_label: str
    department: str | None
    department_name: str | None = Field(description="In the request's language, as role_label")


class CompanyOut(Schema):
    uscc: str
    name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    id_number: str
    phone: str
    email: str
    preferred_language: str
    is_officer: bool
    two_factor_enrolled: bool
    roles: list[RoleOut]
    companies: list[CompanyOut]


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    division_code: str


class MemberOut(Schema):
    user_id: int
    username: str
    full_name: str
    id_number: str
    role: str
