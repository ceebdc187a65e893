"""What a company's other agents read of its case's answers (ADR 0007).

Every agent of a company reads the company's cases (``permissions.is_party``), but the
answers hold people's identity numbers: the submitting agent's own, which the form
fills in from their account, and the legal representative's. Those are shown in full to
the person, to officers on the case and to platform admins; a fellow agent is none of
them, and reads them masked, as everyone else does. A value is masked when it is a
valid resident identity number, whatever field holds it: a form's fields are its
department's to name, and a number under an unexpected name is still a number."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stdnum.cn import ric

from onewindow.cases.models import Case
from onewindow.identity.masking import mask_identity_number


def reads_as_fellow_agent(reader: Any, case: Case) -> bool:
    """Whether ``reader``, a party to the case, is an agent of its company other than
    the one who applied (the applicant reads their own answers in full)."""
    return case.company_id is not None and getattr(reader, "pk", None) != case.applicant_id


def _masked(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 18 and ric.is_valid(value):
        return mask_identity_number(value)
    if isinstance(value, list):
        return [_masked(each) for each in value]
    return value


def mask_identity_numbers(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with every resident identity number masked (``310***********1234``)."""
    return {name: _masked(value) for name, value in data.items()}
