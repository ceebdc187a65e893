"""Answers a form can take from the applicant's own account instead of asking for them
again: a property marked ``"x-prefill": "applicant.full_name"`` (or ``id_number``,
``phone``, ``email``, and ``birth_date`` and ``sex``, which the identity number holds)
starts filled in on a new application, and the applicant checks it, changes it or clears
it before submitting. What is submitted is validated like any answer.

A property also marked ``"isApplicants": true`` must be answered with the account's own
value (``not_the_applicants``): a document only its holder applies for (a passport) is
not applied for in another person's name.

Only the applicant's own verified account is read: they are entitled to see it, and it
crosses no department, so nothing is audited here. Data the city holds in other
departments' systems (a marriage certificate, a parent's hukou) is the data exchange's
to share, with consent and audited reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from onewindow.forms import spec


def _birth_date(user: Any) -> str:
    # The resident identity number holds the date of birth (GB 11643); the account's
    # number was checked when it was stored.
    try:
        return ric.get_birth_date(user.id_number).isoformat() if user.id_number else ""
    except ValueError:
        return ""


def _sex(user: Any) -> str:
    # The number holds the sex too; a form asking both checks one against the other
    # (``matchesIdNumber``), so it should not leave the applicant to repeat it.
    try:
        return spec.sex_in_id_number(ric.compact(user.id_number)) if user.id_number else ""
    except (ValueError, IndexError):
        return ""


SOURCES: dict[str, Callable[[Any], str]] = {
    "applicant.full_name": lambda user: user.full_name,
    "applicant.id_number": lambda user: user.id_number or "",
    "applicant.phone": lambda user: user.phone,
    "applicant.email": lambda user: user.email,
    "applicant.birth_date": _birth_date,
    "applicant.sex": _sex,
}
# The formats of the text answers each source may fill (None: no format): a birth date
# fills a date, an identity number a plain or "cn-id" answer.
SOURCE_FORMATS: dict[str, frozenset[str | None]] = {
    "applicant.full_name": frozenset({None}),
    "applicant.id_number": frozenset({"cn-id", None}),
    "applicant.phone": frozenset({None}),
    "applicant.email": frozenset({"email", None}),
    "applicant.birth_date": frozenset({"date"}),
    "applicant.sex": frozenset({None}),
}
# Sources that fill a choice rather than a text: of exactly "male" and "female".
SEX_SOURCES = frozenset({"applicant.sex"})


def prefilled(definition: spec.DefinitionLike, user: Any) -> dict[str, str]:
    """The answers of ``definition`` that ``user``'s account gives, by property name;
    those the account does not have are left out (asked as usual)."""
    answers = {}
    for name, prop in definition.schema.get("properties", {}).items():
        source = SOURCES.get(prop.get("x-prefill", ""))
        if source is not None and (value := source(user)):
            answers[name] = value
    return answers


# Where an answer marked the applicant's own is not: the passport's identity number, or
# any other answer a definition marks so.
NOT_YOURS = _("Enter your own identity number, as registered with your account.")
NOT_AS_REGISTERED = _("This must be as registered with your account.")


def not_the_applicants(
    definition: spec.DefinitionLike, answers: Mapping[str, Any], user: Any
) -> dict[str, list[Any]]:
    """The answers marked ``isApplicants`` that are not what ``user``'s account gives,
    by property name, each with its message."""
    wrong: dict[str, list[Any]] = {}
    for name, prop in definition.schema.get("properties", {}).items():
        source = SOURCES.get(prop.get("x-prefill", ""))
        if source is None or prop.get(spec.APPLICANTS_OWN) is not True or name not in answers:
            continue
        if _compact(answers[name]) != _compact(source(user)):
            is_number = prop["x-prefill"] == "applicant.id_number"
            wrong[name] = [NOT_YOURS if is_number else NOT_AS_REGISTERED]
    return wrong


def _compact(value: Any) -> str:
    # As the answers and the account store them (an identity number upper-cased).
    return str(value or "").strip().upper()
