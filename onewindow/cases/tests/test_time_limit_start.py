"""The case page says when its time limit started counting: at submission for a case
whose process has no acceptance step (accepted as filed), else at acceptance."""

from __future__ import annotations

import pytest

from onewindow.cases import presenters, queries
from onewindow.cases.choices import CaseStatus
from onewindow.cases.tests.conftest import PASSPORT, submit
from onewindow.cases.tests.test_outcomes import english
from onewindow.cases.tests.timekit import accepted_passport, at, text, travel

FROM_SUBMISSION = "Counted in working days from submission on"
FROM_ACCEPTANCE = "Counted in working days from acceptance on"


def test_a_case_accepted_as_filed_counts_from_submission(world):
    user = world["citizen.wang"]
    with travel(at("2026-03-02", 10)):
        case = submit(user, "newborn")
    assert case.status == CaseStatus.SUBMITTED  # no step has accepted it
    with travel(at("2026-03-03", 10)):
        words = text(english(user).get(f"/cases/{case.number}/"))
        seen = queries.case_for(user, case.number)
    assert seen.clock is not None
    assert f"{FROM_SUBMISSION} 2026-03-02:" in words
    assert FROM_ACCEPTANCE not in words
    assert presenters.counted_from_submission(seen)


def test_a_case_accepted_by_a_step_counts_from_acceptance(world):
    # Filed and accepted in the same (frozen) moment: what tells them apart is the step.
    case, _task = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-03", 10)):
        words = text(english(world["citizen.wang"]).get(f"/cases/{case.number}/"))
    assert f"{FROM_ACCEPTANCE} 2026-03-02:" in words
    assert FROM_SUBMISSION not in words


def test_a_case_waiting_for_acceptance_has_no_count_yet(world):
    user = world["citizen.wang"]
    with travel(at("2026-03-02", 10)):
        case = submit(user, PASSPORT)
        words = text(english(user).get(f"/cases/{case.number}/"))
    assert "The time limit starts when the application is accepted." in words
    assert FROM_SUBMISSION not in words and FROM_ACCEPTANCE not in words


@pytest.mark.parametrize("queued", [False, True])
@pytest.mark.parametrize(
    ("service", "counted"), [("newborn", "from submission"), (PASSPORT, "from acceptance")]
)
def test_the_receipt_says_when_the_time_limit_counts_from(
    world, settings, queued, service, counted
):
    """As the case page will, even before a queued run has started (no clock yet)."""
    settings.FILING_QUEUED = queued
    user = world["citizen.wang"]
    with travel(at("2026-03-02", 10)):
        case = submit(user, service)
        assert (case.clock_id is None) == (queued or service == PASSPORT)
        words = text(english(user).get(f"/cases/{case.number}/receipt/"))
    assert f"working days {counted}" in words
