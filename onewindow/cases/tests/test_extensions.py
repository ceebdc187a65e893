"""Extensions of time limits (cases/extensions.py): asking, deciding, moving deadlines.

The passport case is accepted Mon 2026-03-02 10:00 (day 0). Its review step promises
5 working days (due at the close of Mon 03-09), the case 7 (the close of Wed 03-11).
An extension of 3 working days approved on Thu 03-05 makes them 8 and 10: the step is
due at the close of Thu 03-12 (03-03..06, 09..12) and the case at the close of Mon
03-16 (03-03..06, 09..13, 16).
"""

import pytest
from django.core import mail

from onewindow.audit.models import AuditEvent
from onewindow.cases import extensions, queries, services
from onewindow.cases.choices import MAX_NOTE, ExtensionStatus
from onewindow.cases.models import CaseEvent, Extension
from onewindow.cases.tests.conftest import open_task, outcomes_at_once, racing_a_decision, submit
from onewindow.cases.tests.test_supplements import ask as ask_supplement
from onewindow.cases.tests.timekit import (
    accepted_passport,
    at,
    clock_of,
    decide,
    midnight,
    travel,
)
from onewindow.conftest import make_user
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.notifications.models import Notification
from onewindow.workflow import limits as workflow_limits
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import ClockState, TaskStatus
from onewindow.workflow.models import WorkTask

REQUESTED = at("2026-03-04", 15)
DECIDED = at("2026-03-05", 14)
REASON = "需要向外省公安机关核实身份信息"


@pytest.fixture
def passport(world):
    case, review = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-03", 9)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    return case, review


def ask(world, task, days=3, reason=REASON, *, who="ga.review", when=REQUESTED):
    with travel(when):
        return extensions.request_extension(
            actor=world[who] if isinstance(who, str) else who,
            task_id=task.pk,
            days=days,
            reason=reason,
        )


def rule(world, extension, approve=True, comment="同意", *, who="ga.lead", when=DECIDED):
    with travel(when):
        return extensions.decide_extension(
            actor=world[who] if isinstance(who, str) else who,
            extension_id=extension.pk,
            approve=approve,
            comment=comment,
        )


def department(code):
    return Department.objects.get(code=code)


# --- asking -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "reason", "fields"),
    [
        (0, REASON, {"days"}),
        (61, REASON, {"days"}),
        (-2, REASON, {"days"}),
        ("3", REASON, {"days"}),
        (True, REASON, {"days"}),
        (None, REASON, {"days"}),
        (3, "   ", {"reason"}),
        (0, "", {"days", "reason"}),
    ],
)
def test_invalid_requests_are_refused_with_field_errors(world, passport, days, reason, fields):
    _case, review = passport
    with pytest.raises(InvalidInput) as caught:
        ask(world, review, days, reason)
    assert set(caught.value.fields) == fields
    assert not Extension.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.extension_requested").exists()


@pytest.mark.parametrize("days", [1, 60])
def test_one_to_sixty_working_days(world, passport, days):
    _case, review = passport
    extension = ask(world, review, days)
    assert (extension.days, extension.status) == (days, ExtensionStatus.PENDING)


def test_a_request_is_recorded_and_the_deciders_are_told(world, passport):
    case, review = passport
    extension = ask(world, review, reason=f"  {REASON} ")
    assert (extension.case, extension.task, extension.requested_by) == (
        case,
        review,
        world["ga.review"],
    )
    assert (extension.reason, extension.requested_at) == (REASON, REQUESTED)
    audited = AuditEvent.objects.get(action="cases.extension_requested")
    assert (audited.outcome, audited.detail["days"]) == ("success", 3)
    told = Notification.objects.filter(kind="extension_requested")
    # 公安's lead, and the supervisor over the whole city.
    assert {n.recipient.username for n in told} == {"ga.lead", "supervisor"}
    assert {n.link for n in told} == {"/cases/extensions/"}
    # Nothing moved yet.
    assert clock_of(review).extended_days == clock_of(case).extended_days == 0


def test_a_colleague_of_the_lane_may_ask_too(world, passport):
    _case, review = passport
    colleague = make_user(roles=[(Role.REVIEWING_OFFICER, department("310000-GA"))])
    assert ask(world, review, who=colleague).requested_by == colleague


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("ga.window", Forbidden),  # 公安, but not the review lane's role
        ("ga.lead", Forbidden),
        ("sj.review", NotFound),  # another department's officer
        ("citizen.wang", NotFound),
    ],
)
def test_only_officers_who_can_work_on_the_step_ask(world, passport, who, error):
    _case, review = passport
    with pytest.raises(error):
        ask(world, review, who=who)
    assert not Extension.objects.exists()
    if error is Forbidden:
        denied = AuditEvent.objects.get(action="cases.extension_requested")
        assert denied.outcome == "denied"


def test_a_step_that_is_not_open_cannot_be_extended(world, passport):
    _case, review = passport
    with travel(at("2026-03-04", 9)):
        decide(world["ga.review"], review, "approve", claim=False)
    # Its officer asks from a page opened before: the step's state, not a refusal.
    with pytest.raises(Conflict) as closed:
        ask(world, review)
    assert closed.value.code == "task_closed"
    assert not Extension.objects.exists()


def test_a_step_waiting_for_a_supplement_says_so(world, passport):
    _case, review = passport
    ask_supplement(world, review)
    with pytest.raises(Conflict) as waiting:
        ask(world, review, when=at("2026-03-05", 9))
    assert waiting.value.code == "awaiting_supplement"
    assert not Extension.objects.exists()


def test_one_pending_request_per_step(world, passport):
    _case, review = passport
    ask(world, review)
    with pytest.raises(Conflict) as caught:
        ask(world, review, 5, "再延")
    assert caught.value.code == "extension_pending"
    assert Extension.objects.count() == 1


# --- deciding -----------------------------------------------------------------------


def test_an_approval_moves_the_step_and_the_case_deadlines(
    world, passport, django_capture_on_commit_callbacks
):
    case, review = passport
    assert clock_of(review).due_at == midnight("2026-03-10")
    assert clock_of(case).due_at == midnight("2026-03-12")
    extension = ask(world, review)
    with django_capture_on_commit_callbacks(execute=True):
        decided = rule(world, extension, comment="同意延期")
    assert (decided.status, decided.decided_by, decided.decided_at) == (
        ExtensionStatus.APPROVED,
        world["ga.lead"],
        DECIDED,
    )
    assert decided.decision_comment == "同意延期"
    step, whole = clock_of(review), clock_of(case)
    assert (step.limit_days, step.extended_days, step.due_at) == (5, 3, midnight("2026-03-13"))
    assert (whole.limit_days, whole.extended_days, whole.due_at) == (
        7,
        3,
        midnight("2026-03-17"),
    )
    assert step.state == whole.state == ClockState.RUNNING
    # The applicant's timeline says why.
    entry = CaseEvent.objects.filter(case=case).last()
    assert (entry.outcome, entry.actor, entry.at) == ("extended", world["ga.lead"], DECIDED)
    assert entry.role == Role.DEPARTMENT_LEAD  # who decided it, not the step's officers
    assert entry.department.code == "310000-GA"  # where the lead holds the role
    assert (entry.note_for_applicant, entry.comment) == (REASON, "同意延期")
    assert list(queries.extensions_of(case, approved_only=True)) == [extension]
    actions = list(
        AuditEvent.objects.filter(
            action__in=["workflow.task_extended", "cases.extension_decided"]
        ).values_list("action", "detail")
    )
    assert [a for a, _d in actions] == ["workflow.task_extended", "cases.extension_decided"]
    assert actions[1][1]["approved"] is True
    to_requester = Notification.objects.get(kind="extension_decided")
    assert to_requester.recipient == world["ga.review"]
    assert to_requester.link == f"/cases/tasks/{review.pk}/"
    to_applicant = Notification.objects.get(kind="case_extended")
    assert to_applicant.recipient == world["citizen.wang"]
    assert REASON in to_applicant.body
    email = next(m for m in mail.outbox if m.to == [world["citizen.wang"].email])
    assert "新的办结期限为 2026-03-16。" in email.body  # written as the pages write it


def test_the_supervisor_may_decide(world, passport):
    case, review = passport
    rule(world, ask(world, review), who="supervisor")
    assert clock_of(case).extended_days == 3
    entry = CaseEvent.objects.filter(case=case).last()
    # QA: the entry read "公安局 · Supervisor", a supervisor of the bureau; the city's
    # supervisor holds the role at the city's root, which the entry names.
    assert entry.role == Role.SUPERVISOR
    [held] = world["supervisor"].role_assignments.filter(role=Role.SUPERVISOR)
    assert entry.department == held.department != case.department


def test_once_decided_the_request_no_longer_waits_unread_with_the_other_deciders(world, passport):
    """The lead's "please approve or refuse" stayed unread after the supervisor had
    decided (QA)."""
    _case, review = passport
    rule(world, ask(world, review), who="supervisor")
    asked = Notification.objects.filter(kind="extension_requested")
    assert {n.recipient.username for n in asked} == {"ga.lead", "supervisor"}
    assert all(n.read_at is not None for n in asked)


def test_a_refusal_needs_a_reason_and_moves_nothing(world, passport):
    case, review = passport
    extension = ask(world, review)
    with pytest.raises(InvalidInput) as caught:
        rule(world, extension, approve=False, comment="  ")
    assert set(caught.value.fields) == {"comment"}
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING
    refused = rule(world, extension, approve=False, comment="理由不充分")
    assert (refused.status, refused.decision_comment) == (ExtensionStatus.REFUSED, "理由不充分")
    assert clock_of(review).extended_days == clock_of(case).extended_days == 0
    assert clock_of(case).due_at == midnight("2026-03-12")
    assert not CaseEvent.objects.filter(outcome="extended").exists()
    assert not Notification.objects.filter(kind="case_extended").exists()
    told = Notification.objects.get(kind="extension_decided")
    assert told.recipient == world["ga.review"] and "理由不充分" in told.body


def test_a_decision_is_made_once(world, passport):
    _case, review = passport
    extension = ask(world, review)
    rule(world, extension)
    with pytest.raises(Conflict) as caught:
        rule(world, extension, who="supervisor")
    assert caught.value.code == "extension_decided"
    assert clock_of(review).extended_days == 3


def test_the_requester_may_not_decide_their_own(world, passport):
    _case, review = passport
    both = make_user(
        roles=[
            (Role.REVIEWING_OFFICER, department("310000-GA")),
            (Role.DEPARTMENT_LEAD, department("310000-GA")),
        ]
    )
    extension = ask(world, review, who=both)
    with pytest.raises(Forbidden):
        rule(world, extension, who=both)
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING
    denied = AuditEvent.objects.get(action="cases.extension_decided")
    assert denied.outcome == "denied"
    # The requester is not asked to decide either.
    assert not Notification.objects.filter(recipient=both, kind="extension_requested").exists()


# role → where it is held → what deciding an extension of a 公安 step gives.
DECIDE_MATRIX: dict[str, dict[str, object]] = {
    Role.DEPARTMENT_LEAD: {"310000-GA": "approved", "310000-MZ": NotFound, "310000": "approved"},
    Role.SUPERVISOR: {"310000-GA": "approved", "310000-MZ": NotFound, "310000": "approved"},
    Role.REVIEWING_OFFICER: {"310000-GA": Forbidden, "310000-MZ": NotFound, "310000": Forbidden},
    Role.WINDOW_OFFICER: {"310000-GA": Forbidden, "310000-MZ": NotFound, "310000": Forbidden},
    Role.DEPARTMENT_ADMIN: {"310000-GA": Forbidden, "310000-MZ": NotFound, "310000": Forbidden},
    Role.PLATFORM_ADMIN: {"310000": Forbidden},
}


@pytest.mark.parametrize(
    ("role", "where", "expected"),
    [(role, where, got) for role, row in DECIDE_MATRIX.items() for where, got in row.items()],
)
def test_who_decides_matrix(world, passport, role, where, expected):
    _case, review = passport
    extension = ask(world, review)
    user = make_user(roles=[(role, department(where))])
    if isinstance(expected, str):
        assert rule(world, extension, who=user).status == expected
    else:
        with pytest.raises(expected):
            rule(world, extension, who=user)
        extension.refresh_from_db()
        assert extension.status == ExtensionStatus.PENDING


def test_a_citizen_cannot_see_an_extension(world, passport):
    _case, review = passport
    with pytest.raises(NotFound):
        rule(world, ask(world, review), who="citizen.wang")


# --- a life event -------------------------------------------------------------------


def test_an_extension_on_a_life_events_step_moves_the_running_clocks_only(world):
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    with travel(at("2026-03-02", 11)):
        decide(world["wj.review"], open_task(parent, "Task_birth_certificate"), "complete")
    children = {c.service_code: c for c in parent.children.all()}
    hukou = open_task(parent, "Task_hukou")
    extension = ask(world, hukou, 2, who="ga.window", when=at("2026-03-03", 9))
    assert extension.case == parent
    rule(world, extension, when=at("2026-03-03", 10))
    # The event (3 + 5 + 1 + 10 = 19 days) and the hukou item (5 days) are 2 days longer.
    assert clock_of(parent).extended_days == 2
    assert clock_of(parent).due_at == midnight("2026-04-01")  # 21 days: 03-03..31
    assert clock_of(children["310000-GA-QR-0001"]).extended_days == 2
    assert clock_of(hukou).extended_days == 2
    # The items after it have not begun: no clock to extend yet.
    assert children["310000-YB-GG-0001"].clock is None
    assert children["310000-RS-GG-0001"].clock is None
    # The birth certificate, finished on time, keeps its limit.
    done = clock_of(children["310000-WJ-QR-0001"])
    assert (done.state, done.extended_days, done.late) == (ClockState.STOPPED, 0, False)
    # The hukou item has the entry and the extension as the event has: its department's
    # officers read it by its own number.
    item = children["310000-GA-QR-0001"]
    entered = CaseEvent.objects.filter(outcome="extended").values_list("case_id", "task_id")
    assert sorted(entered) == sorted([(parent.pk, hukou.pk), (item.pk, hukou.pk)])
    assert list(queries.extensions_of(item, approved_only=True)) == [extension]
    assert list(queries.extensions_of(parent, approved_only=True)) == [extension]
    assert not queries.extensions_of(children["310000-WJ-QR-0001"], approved_only=True).exists()


def test_deciding_the_step_withdraws_its_pending_extension(world, passport):
    case, review = passport
    extension = ask(world, review)
    assert queries.extensions_to_decide(world["ga.lead"]) == [extension]
    with travel(at("2026-03-05", 9)):
        decide(world["ga.review"], review, "approve", claim=False)
    extension.refresh_from_db()
    assert (extension.status, extension.decided_at) == (
        ExtensionStatus.WITHDRAWN,
        at("2026-03-05", 9),
    )
    withdrawn = AuditEvent.objects.get(action="cases.extension_withdrawn")
    assert (withdrawn.actor_id, withdrawn.target_id) == (world["ga.review"].pk, str(case.pk))
    assert queries.extensions_to_decide(world["ga.lead"]) == []
    assert extension in queries.recent_extensions(world["ga.lead"])
    with pytest.raises(Conflict) as caught:
        rule(world, extension)
    assert caught.value.code == "extension_decided"
    assert (clock_of(review).extended_days, clock_of(case).extended_days) == (0, 0)
    assert not CaseEvent.objects.filter(outcome="extended").exists()
    assert not Notification.objects.filter(kind="case_extended").exists()
    assert not Notification.objects.filter(kind="extension_requested", read_at__isnull=True)


def test_a_step_closed_by_the_process_leaves_the_deciders_list(world, passport):
    _case, review = passport
    extension = ask(world, review)
    WorkTask.objects.filter(pk=review.pk).update(status=TaskStatus.CANCELLED)
    assert queries.extensions_to_decide(world["ga.lead"]) == []
    with pytest.raises(Conflict) as caught:  # and approving it would extend nothing
        rule(world, extension)
    assert caught.value.code == "task_closed"


@pytest.mark.django_db(transaction=True)
def test_a_decision_and_an_extensions_approval_at_once_wait_for_each_other(
    world, passport, monkeypatch
):
    # The decision locks the task, then withdraws the step's pending request; the
    # approval locked the request, then the task to extend it: they deadlocked.
    _case, review = passport
    extension = ask(world, review)
    race = racing_a_decision(monkeypatch)
    race.pause(workflow_limits, "extend_task", after=False)  # holds the request
    decided, ruled = outcomes_at_once(
        lambda: services.decide_task(
            actor=world["ga.review"], task_id=review.pk, outcome="approve"
        ),
        lambda: extensions.decide_extension(
            actor=world["ga.lead"], extension_id=extension.pk, approve=True, comment="同意"
        ),
    )
    assert decided is None, decided
    extension.refresh_from_db()
    # Approved first (then the step decided), or withdrawn by the decision first.
    if ruled is None:
        assert extension.status == ExtensionStatus.APPROVED
    else:
        assert isinstance(ruled, Conflict), ruled
        assert extension.status == ExtensionStatus.WITHDRAWN


def test_a_reason_or_decision_too_long_is_refused_not_cut(world, passport):
    _case, review = passport
    too_long = "需" * (MAX_NOTE + 1)
    with pytest.raises(InvalidInput) as caught:
        ask(world, review, reason=too_long)
    assert list(caught.value.fields) == ["reason"]
    assert not Extension.objects.exists()
    extension = ask(world, review)
    with pytest.raises(InvalidInput) as caught:
        rule(world, extension, approve=False, comment=too_long)
    assert list(caught.value.fields) == ["comment"]
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING
