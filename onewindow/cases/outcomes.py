"""An officer's decision on a step as the applicant reads it: the result ("Accepted",
"Rejected"), not the button the officer pressed ("Accept", "Reject": the labels of
``workflow.choices.Outcome``, which the task page keeps). Used by the case's timeline,
the case API's ``outcome_label`` and the applicant's notifications.

Kept here rather than beside ``Outcome``: the workflow is a platform app and knows
nothing of applicants (STYLE: platform apps never import domain apps)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.workflow.choices import Outcome

# 已受理 / 不予受理 / 已批准 / 不予批准 / 已办结: but for "Accepted", the words (and so the
# translations) of the final statuses a case ends in (cases.choices.CaseStatus).
RESULTS: dict[str, Promise] = {
    Outcome.ACCEPT: _("Accepted"),
    Outcome.NOT_ACCEPTED: _("Not accepted"),
    Outcome.APPROVE: _("Approved"),
    Outcome.REJECT: _("Rejected"),
    Outcome.COMPLETE: _("Completed"),
}


def result_label(outcome: str) -> str:
    """The result of a step decided with ``outcome``, in the reader's language; an
    outcome that is not one of ``Outcome`` (an older process's) as it is."""
    result = RESULTS.get(outcome)
    return str(result) if result is not None else outcome
