"""Telling applicants about their cases, through the notifications app: in their
language, in the transaction of the change, delivered by email (and SMS) after commit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext

from onewindow.cases.choices import EXTENDED, RESUPPLIED, SUBMITTED, SUPPLEMENT_REQUESTED
from onewindow.cases.models import Case
from onewindow.notifications import services as notifications
from onewindow.workflow.choices import Outcome


def tell_applicant(case: Case, kind: str, *, dedupe_key: str, **context: Any) -> bool:
    """Notify the case's applicant with the case number and a link to its page. Pass
    labels lazily (``CaseStatus.label``, ``outcome_text``): they are rendered in the
    applicant's language, not the officer's."""
    return notifications.notify(
        recipient=case.applicant,
        kind=kind,
        context={"number": case.number, **context},
        dedupe_key=dedupe_key,
        link=reverse("cases:detail", args=[case.number]),
    )


def outcome_label(outcome: str) -> str:
    """Words for a timeline entry: an officer's outcome, or what moved the clock."""
    labels = {
        SUBMITTED: gettext("Submitted"),
        SUPPLEMENT_REQUESTED: gettext("Supplement requested"),
        RESUPPLIED: gettext("Material supplied"),
        EXTENDED: gettext("Time limit extended"),
    }
    if outcome in labels:
        return labels[outcome]
    return str(Outcome(outcome).label) if outcome in Outcome.values else outcome


outcome_text = lazy(outcome_label, str)
