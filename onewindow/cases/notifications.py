"""Telling applicants about their cases, through the notifications app: in their
language, in the transaction of the change, delivered by email (and SMS) after commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext

from onewindow.cases import presenters
from onewindow.cases.choices import EXTENDED, RESUPPLIED, SUBMITTED, SUPPLEMENT_REQUESTED
from onewindow.cases.models import Case
from onewindow.cases.outcomes import result_label
from onewindow.identity.models import User
from onewindow.notifications import services as notifications
from onewindow.notifications.services import Notice


def tell_applicant(
    case: Case, kind: str, *, dedupe_key: str, new_event: bool = False, **context: Any
) -> bool:
    """Notify the case's applicant with the case number and a link to its page. Pass
    labels lazily (``CaseStatus.label``, ``outcome_text``): they are rendered in the
    applicant's language, not the officer's. ``new_event``: what is told happened in
    this transaction (a case filed, a task decided under its row lock), so nobody was
    told of it before (``notify_new``)."""
    notices = applicant_notices(case, kind, dedupe_key, **context)
    if new_event:
        return bool(notifications.notify_new(notices))
    return bool(notifications.notify_all(notices))


def applicant_notices(
    case: Case,
    kind: str,
    dedupe_key: str,
    *,
    agents: Mapping[int, list[User]] | None = None,
    **context: Any,
) -> list[Notice]:
    """``applicant_notice`` for the applicant, and the same for each other agent of the
    company the case was filed for: any of them answers for the company (QA: a
    supplement asked for while the agent who applied was away waited unseen).
    ``agents``: ``company_agents`` of the cases a caller tells at once, read once."""
    told = applicant_notice(case, kind, dedupe_key, **context)
    if case.company_id is None:
        return [told]
    if agents is None:
        agents = company_agents([case])
    others = [agent for agent in agents.get(case.company_id, []) if agent.pk != case.applicant_id]
    return [told, *(replace(told, recipient=agent) for agent in others)]


def company_agents(cases: Iterable[Case]) -> dict[int, list[User]]:
    """The agents of the companies ``cases`` were filed for, by company, in one query."""
    companies = {case.company_id for case in cases if case.company_id is not None}
    if not companies:
        return {}
    agents: dict[int, list[User]] = {}
    through = User.companies.through
    for link in (
        through.objects.filter(legalperson_id__in=companies)
        .select_related("user")
        .order_by("user_id")
    ):
        agents.setdefault(link.legalperson_id, []).append(link.user)
    return agents


def applicant_notice(case: Case, kind: str, dedupe_key: str, **context: Any) -> Notice:
    """What ``tell_applicant`` sends, for a caller that sends many at once. News of a
    life event's item is news of the application the applicant filed: its number and
    its page, the item named (``item``; empty for any other case)."""
    filed = case.parent if case.parent_id is not None else case
    assert filed is not None
    return Notice(
        recipient=case.applicant,
        kind=kind,
        context={
            "number": filed.number,
            "item": presenters.service_name(case) if filed is not case else "",
            **context,
        },
        dedupe_key=dedupe_key,
        link=reverse("cases:detail", args=[filed.number]),
    )


# Timeline entries that are not an officer's outcome (cases.choices).
EVENT_LABELS = {
    SUBMITTED: lambda: gettext("Submitted"),
    SUPPLEMENT_REQUESTED: lambda: gettext("Asked for material"),
    RESUPPLIED: lambda: gettext("Material supplied"),
    EXTENDED: lambda: gettext("Time limit extended"),
}


def outcome_label(outcome: str) -> str:
    """A timeline entry's outcome as the applicant reads it: what happened, or the
    result of an officer's decision ("Approved", not the officer's button "Approve")."""
    if outcome in EVENT_LABELS:
        return EVENT_LABELS[outcome]()
    return result_label(outcome)


outcome_text = lazy(outcome_label, str)
