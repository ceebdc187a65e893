"""Telling applicants about their cases: an in-app notification in the same
transaction as the change, and an email queued for the worker only after it commits
(never sent from the request: a slow mail server must not hold up the applicant)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from onewindow.cases.choices import CaseStatus
from onewindow.cases.models import Case, CaseEvent, Notification
from onewindow.cases.tasks import email_notification
from onewindow.workflow.choices import Outcome

SUBMITTED = "submitted"


def notify(case: Case, compose: Callable[[], tuple[str, str]]) -> None:
    """An in-app notification now and, after commit, an email queued for the worker; both
    in the applicant's language."""
    recipient = case.applicant
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject, body = compose()
    notification = Notification.objects.create(
        recipient=recipient, case=case, subject=subject, body=body
    )
    if recipient.email:
        transaction.on_commit(lambda: email_notification.delay(notification.pk))


def submitted_message(case: Case) -> tuple[str, str]:
    values = {"number": case.number, "service": case.service_name}
    return (
        gettext("Application %(number)s received") % values,
        gettext("We have received your application for %(service)s. Its number is %(number)s.")
        % values,
    )


def decision_message(case: Case, event: CaseEvent) -> tuple[str, str]:
    values = {
        "number": case.number,
        "step": event.step,
        "outcome": outcome_label(event.outcome),
        "status": CaseStatus(case.status).label,
    }
    body = gettext("%(step)s: %(outcome)s. Your case %(number)s is now: %(status)s.") % values
    if event.note_for_applicant:
        body = f"{body}\n\n{event.note_for_applicant}"
    return gettext("Update on your case %(number)s") % values, body


def outcome_label(outcome: str) -> str:
    if outcome == SUBMITTED:
        return gettext("Submitted")
    return str(Outcome(outcome).label) if outcome in Outcome.values else outcome
