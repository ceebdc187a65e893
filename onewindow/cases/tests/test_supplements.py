"""Supplement requests (cases/supplements.py): asking, waiting, answering.

The passport case used throughout is accepted Mon 2026-03-02 10:00 (day 0): the case's
limit is 7 working days (due at the close of Wed 03-11), the review step's 5 (the close
of Mon 03-09). A supplement asked on Wed 03-04 banks 2 working days (03-03, 03-04) on
both clocks; the answer on Mon 03-09 starts a new day 0, so 5 case days remain
(03-10, 11, 12, 13, 16 → due 2026-03-17 00:00) and 3 step days (03-10, 11, 12 → due
2026-03-13 00:00): both deadlines move by the 3 working days the applicant took
(03-05, 03-06, 03-09).
"""

from importlib import import_module

import lxml.html
import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.test import Client

from onewindow.audit.models import AuditEvent
from onewindow.cases import services, supplements
from onewindow.cases.choices import MAX_NOTE, CaseStatus, SupplementStatus
from onewindow.cases.models import Case, CaseEvent, SupplementRequest
from onewindow.cases.supplement_materials import explanation_numbers
from onewindow.cases.tests.conftest import (
    ADOPTION,
    PASSPORT,
    open_task,
    outcomes_at_once,
    racing_a_decision,
    submit,
)
from onewindow.cases.tests.timekit import (
    accepted_passport,
    at,
    clock_of,
    decide,
    midnight,
    travel,
    upload,
)
from onewindow.conftest import make_user
from onewindow.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onewindow.forms.tests.files import PDF
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.identity.tokens import issue_token
from onewindow.notifications.models import Notification, OutboxMessage
from onewindow.workflow import engine, runs
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import ClockState, HolderKind, TaskStatus, TimerStatus
from onewindow.workflow.models import ProcessInstance, TaskHolding
from onewindow.workflow.registry import ServiceContext

PHOTO = [{"slot": "photo", "reason": "背景不是白色"}]
ASKED = at("2026-03-04", 11)
ANSWERED = at("2026-03-09", 10)


@pytest.fixture
def passport(world):
    """The accepted passport case and its review step, claimed by ga.review on 03-03."""
    case, review = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-03", 9)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    return case, review


def ask(world, task, items=PHOTO, *, who="ga.review", when=ASKED, note=""):
    with travel(when):
        return supplements.request_supplement(
            actor=world[who] if isinstance(who, str) else who,
            task_id=task.pk,
            items=items,
            note=note,
        )


def answer(world, case, attachments, *, when=ANSWERED, who="citizen.wang", **extra):
    """Answer the case's open request with ``attachments``; each explanation it asks for
    is written ("说明"), unless ``extra`` gives the explanations."""
    with travel(when):
        if "explanations" not in extra:
            asked = SupplementRequest.objects.filter(status=SupplementStatus.OPEN).first()
            extra["explanations"] = dict.fromkeys(
                explanation_numbers(asked) if asked else {}, "说明"
            )
        return supplements.resupply(
            applicant=world[who], number=case.number, attachments=attachments, **extra
        )


def nothing_asked(case, review):
    case.refresh_from_db()
    review.refresh_from_db()
    assert not SupplementRequest.objects.exists()
    assert case.status == CaseStatus.IN_PROGRESS
    assert review.status == TaskStatus.CLAIMED
    assert clock_of(case).state == clock_of(review).state == ClockState.RUNNING
    assert not AuditEvent.objects.filter(
        action__in=["cases.supplement_requested", "workflow.task_suspended"], outcome="success"
    ).exists()
    assert not Notification.objects.filter(kind="supplement_requested").exists()


# --- asking -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([], "items"),
        ([{"slot": "no_such_slot", "reason": "缺少"}], "items.0.slot"),
        ([{"slot": "photo", "reason": "  "}], "items.0.reason"),
        ([{"material": "", "reason": "缺少"}], "items.0.material"),
        ([*PHOTO, {"material": "户口簿", "reason": ""}], "items.1.reason"),
        ([{"material": f"材料{i}", "reason": "缺少"} for i in range(21)], "items"),
        # A reason that shows nothing (a zero-width space) is none.
        ([{"slot": "photo", "reason": "\u200b"}], "items.0.reason"),
        ([{"material": "\u200b\u200e", "reason": "缺少"}], "items.0.material"),
        # One slot asked twice would be answered with two files for it.
        ([*PHOTO, {"slot": "photo", "reason": "太暗"}], "items.1.slot"),
        (
            [{"material": "户口本", "reason": "缺"}, {"material": " 户口本 ", "reason": "缺页"}],
            "items.1.material",
        ),
    ],
)
def test_invalid_items_are_refused_with_field_errors_and_nothing_saved(
    world, passport, items, field
):
    case, review = passport
    with pytest.raises(InvalidInput) as caught:
        ask(world, review, items)
    assert field in caught.value.fields
    nothing_asked(case, review)


def test_several_materials_named_in_words_are_no_duplicates(world, passport):
    _case, review = passport
    items = [{"material": "户口簿", "reason": "缺页"}, {"material": "结婚证", "reason": "缺少"}]
    assert [i["material"] for i in ask(world, review, items).items] == ["户口簿", "结婚证"]


def test_every_problem_is_reported_at_once(world, passport):
    _case, review = passport
    items = [{"slot": "nope", "reason": ""}, {"material": "", "reason": "x"}]
    with pytest.raises(InvalidInput) as caught:
        ask(world, review, items)
    # An unknown slot names no material either.
    assert set(caught.value.fields) == {
        "items.0.slot",
        "items.0.material",
        "items.0.reason",
        "items.1.material",
    }


def test_an_officer_of_another_department_gets_not_found(world, passport):
    case, review = passport
    for who in ("sj.review", "citizen.wang"):
        with pytest.raises(NotFound):
            ask(world, review, who=who)
    nothing_asked(case, review)


@pytest.mark.parametrize("who", ["ga.window", "ga.lead", "ga.admin"])
def test_officers_who_may_not_decide_the_step_are_forbidden_and_audited(world, passport, who):
    case, review = passport
    with pytest.raises(Forbidden):
        ask(world, review, who=who)
    nothing_asked(case, review)
    denied = AuditEvent.objects.get(action="cases.supplement_requested")
    assert (denied.outcome, denied.actor_id) == ("denied", world[who].pk)


def test_a_step_claimed_by_another_officer_is_forbidden(world, passport):
    case, review = passport
    colleague = make_user(
        roles=[(Role.REVIEWING_OFFICER, Department.objects.get(code="310000-GA"))]
    )
    with pytest.raises(Forbidden):
        ask(world, review, who=colleague)
    nothing_asked(case, review)


def test_an_unclaimed_step_may_be_sent_back_by_any_officer_of_its_lane(world):
    _case, review = accepted_passport(world, at("2026-03-02", 10))
    supplement = ask(world, review)
    assert supplement.requested_by == world["ga.review"]
    review.refresh_from_db()
    assert (review.status, review.claimed_by) == (TaskStatus.SUSPENDED, None)


def test_a_second_request_while_one_is_open_is_a_conflict(world, passport):
    _case, review = passport
    ask(world, review)
    with pytest.raises(Conflict) as caught:
        ask(world, review, [{"material": "户口簿", "reason": "缺少"}])
    assert caught.value.code == "supplement_open"
    assert SupplementRequest.objects.count() == 1


def test_a_second_request_from_a_parallel_step_is_a_conflict(world):
    mz_window = make_user(roles=[(Role.WINDOW_OFFICER, Department.objects.get(code="310000-MZ"))])
    wj = make_user(roles=[(Role.REVIEWING_OFFICER, Department.objects.get(code="310000-WJ"))])
    with travel(at("2026-03-02", 10)):
        case = submit(world["citizen.chen"], ADOPTION)
        decide(mz_window, open_task(case, "Task_accept"), "accept")
    ask(world, open_task(case, "Task_review_ga"), [{"material": "户口簿", "reason": "缺少"}])
    with pytest.raises(Conflict) as caught:
        ask(world, open_task(case, "Task_review_wj"), [{"material": "证", "reason": "缺"}], who=wj)
    assert caught.value.code == "supplement_open"


def test_a_closed_case_is_a_conflict(world, passport):
    _case, review = passport
    with travel(at("2026-03-05", 10)):
        decide(world["ga.review"], review, "approve", claim=False)
    with pytest.raises(Conflict) as caught:
        ask(world, review, when=at("2026-03-05", 11))
    assert caught.value.code == "task_closed"
    assert not SupplementRequest.objects.exists()


def test_asking_stops_the_step_and_the_case_and_tells_the_applicant(
    world, passport, django_capture_on_commit_callbacks
):
    case, review = passport
    timers = list(review.timers.filter(status=TimerStatus.WAITING))
    assert len(timers) == 3 and all(t.due_at is not None for t in timers)
    items = [*PHOTO, {"material": "户口簿", "reason": "缺少户主页"}]
    with django_capture_on_commit_callbacks(execute=True):
        supplement = ask(world, review, items, note="请一次补齐")
    assert supplement.items == [
        {
            "slot": "photo",
            "material": "出入境证件数码照片",
            "reason": "背景不是白色",
            "needs_file": True,
        },
        {"slot": "", "material": "户口簿", "reason": "缺少户主页", "needs_file": True},
    ]
    assert (supplement.case, supplement.task, supplement.requested_at) == (case, review, ASKED)
    assert supplement.previous_status == CaseStatus.IN_PROGRESS
    assert supplement.status == SupplementStatus.OPEN
    # The step waits with its clock paused: 2 working days banked (03-03, 03-04).
    review.refresh_from_db()
    assert review.status == TaskStatus.SUSPENDED
    step = clock_of(review)
    assert (step.state, step.used_days, step.due_at, step.paused_at) == (
        ClockState.PAUSED,
        2,
        None,
        ASKED,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT
    whole = clock_of(case)
    assert (whole.state, whole.used_days, whole.due_at) == (ClockState.PAUSED, 2, None)
    # The applicant holds the step now; the officer's holding ended at the request.
    holdings = list(TaskHolding.objects.filter(task=review).order_by("started_at", "pk"))
    assert [(h.kind, h.ended_at) for h in holdings[-2:]] == [
        (HolderKind.OFFICER, ASKED),
        (HolderKind.APPLICANT, None),
    ]
    # The step's reminder and escalation timers wait without a moment.
    assert [t.due_at for t in review.timers.filter(status=TimerStatus.WAITING)] == [None] * 3
    entry = CaseEvent.objects.filter(case=case).last()
    assert (entry.outcome, entry.actor, entry.task_id, entry.supplement, entry.at) == (
        "supplement_requested",
        world["ga.review"],
        review.pk,
        supplement,
        ASKED,
    )
    assert entry.note_for_applicant.splitlines() == [
        "出入境证件数码照片：背景不是白色",
        "户口簿：缺少户主页",
        "请一次补齐",
    ]
    audited = AuditEvent.objects.get(action="cases.supplement_requested")
    assert audited.detail["items"] == supplement.items
    assert AuditEvent.objects.filter(action="workflow.task_suspended").count() == 1
    told = Notification.objects.get(recipient=world["citizen.wang"], kind="supplement_requested")
    assert (told.case_number, told.link) == (case.number, f"/cases/{case.number}/")
    assert "户口簿" in told.body
    email = OutboxMessage.objects.get(
        recipient=world["citizen.wang"],
        channel="email",
        dedupe_key=f"supplement:{supplement.pk}:requested",
    )
    assert email.status == "sent"
    assert [m.to for m in mail.outbox if case.number in m.subject] == [
        [world["citizen.wang"].email]
    ]


# --- answering ----------------------------------------------------------------------


@pytest.fixture
def waiting(world, passport):
    case, review = passport
    # An explanation asked for beside the photo: no file needed for it, so an answer with
    # the photo alone is complete (``test_supplement_required_files`` has the files
    # named in words that are required).
    explanation = {"material": "户口簿", "reason": "缺少", "needs_file": False}
    return case, review, ask(world, review, [*PHOTO, explanation])


@pytest.fixture
def phone_asked(world, passport):
    """As ``waiting``, with the applicant's phone number asked to be corrected."""
    case, review = passport
    explanation = {"material": "户口簿", "reason": "缺少", "needs_file": False}
    phone = {"material": "联系电话", "reason": "号码已停机", "needs_file": False}
    return case, review, ask(world, review, [*PHOTO, explanation, phone])


def still_waiting(case, review, supplement):
    supplement.refresh_from_db()
    case.refresh_from_db()
    review.refresh_from_db()
    assert supplement.status == SupplementStatus.OPEN
    assert case.status == CaseStatus.SUPPLEMENT
    assert review.status == TaskStatus.SUSPENDED
    assert clock_of(case).state == clock_of(review).state == ClockState.PAUSED
    assert not AuditEvent.objects.filter(action="cases.case_resupplied").exists()


def test_every_requested_file_is_required(world, waiting):
    case, review, supplement = waiting
    with pytest.raises(InvalidInput) as caught:
        answer(world, case, {})
    assert set(caught.value.fields) == {"attachments.photo"}
    still_waiting(case, review, supplement)


def test_another_applicants_file_or_a_wrong_slot_is_refused_and_nothing_is_saved(world, waiting):
    case, review, supplement = waiting
    theirs = upload(world["citizen.chen"])
    other_slot = upload(world["citizen.wang"], "previous_passport", name="p.pdf", content=PDF)
    for given in ({"photo": theirs.pk}, {"photo": other_slot.pk}, {"photo": "1"}):
        with pytest.raises(InvalidInput) as caught:
            answer(world, case, given)
        assert "attachments.photo" in caught.value.fields
        still_waiting(case, review, supplement)


def test_invalid_corrected_answers_are_refused_and_nothing_is_saved(world, phone_asked):
    case, review, supplement = phone_asked
    before = dict(case.data)
    photo = upload(world["citizen.wang"])
    with pytest.raises(InvalidInput) as caught:
        answer(world, case, {"photo": photo.pk}, data={"applicant_phone": "12"})
    assert "applicant_phone" in caught.value.fields
    still_waiting(case, review, supplement)
    assert case.data == before
    assert photo not in case.attachments.all()


def test_corrected_answers_reach_the_steps_the_run_has_still_to_take(world, phone_asked):
    case, review, _supplement = phone_asked
    photo = upload(world["citizen.wang"])
    assert case.data["applicant_phone"] != "13900001111"
    answer(world, case, {"photo": photo.pk}, data={"applicant_phone": "13900001111"})
    instance = ProcessInstance.objects.get(pk=case.instance_id)
    run = runs.load(instance, ServiceContext())
    [ready] = engine.ready_user_tasks(run)
    assert ready.id == review.spiff_task_id
    assert ready.data["applicant_phone"] == "13900001111"
    event = AuditEvent.objects.get(action="workflow.data_updated")
    assert (event.target_id, event.detail) == (str(instance.pk), {"fields": ["applicant_phone"]})
    assert event.actor_id == world["citizen.wang"].pk


def test_an_unchanged_answer_leaves_the_run_alone(world, phone_asked):
    case, _review, _supplement = phone_asked
    photo = upload(world["citizen.wang"])
    same = {"applicant_phone": case.data["applicant_phone"]}
    answer(world, case, {"photo": photo.pk}, data=same)
    assert not AuditEvent.objects.filter(action="workflow.data_updated").exists()


def test_only_the_applicant_answers(world, waiting):
    case, review, supplement = waiting
    for who in ("citizen.chen", "ga.review"):
        with pytest.raises(NotFound):
            answer(world, case, {}, who=who)
    still_waiting(case, review, supplement)


def test_answering_resumes_both_clocks_from_where_they_stopped(
    world, phone_asked, django_capture_on_commit_callbacks
):
    case, review, supplement = phone_asked
    old_photo = case.attachments.get(slot="photo")
    photo = upload(world["citizen.wang"])
    with django_capture_on_commit_callbacks(execute=True):
        answered = answer(
            world,
            case,
            {"photo": photo.pk},
            data={"applicant_phone": "13900000000"},
            comment="已重新拍照",
        )
    assert answered.pk == case.pk
    supplement.refresh_from_db()
    assert (supplement.status, supplement.answered_at) == (SupplementStatus.ANSWERED, ANSWERED)
    # The explanation asked for (户口簿, in words), under its material, then the comment.
    assert supplement.answer_comment == "户口簿：说明\n\n已重新拍照"
    assert list(supplement.answer_attachments.all()) == [photo]
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.data["applicant_phone"] == "13900000000"
    # The new photo replaces the old one on the case.
    assert list(case.attachments.filter(slot="photo")) == [photo]
    assert old_photo not in case.attachments.all()
    review.refresh_from_db()
    assert (review.status, review.claimed_by) == (TaskStatus.CLAIMED, world["ga.review"])
    step, whole = clock_of(review), clock_of(case)
    assert (step.state, step.used_days, step.segment_started_at) == (
        ClockState.RUNNING,
        2,
        ANSWERED,
    )
    assert step.due_at == midnight("2026-03-13")  # was 2026-03-10 00:00
    assert (whole.state, whole.used_days) == (ClockState.RUNNING, 2)
    assert whole.due_at == midnight("2026-03-17")  # was 2026-03-12 00:00
    # Timers count on the step's clock again: 4, 5 and 7 working days used.
    assert sorted(t.due_at for t in review.timers.filter(status=TimerStatus.WAITING)) == [
        midnight("2026-03-12"),
        midnight("2026-03-13"),
        midnight("2026-03-17"),
    ]
    # The claimant holds it again.
    holding = TaskHolding.objects.get(task=review, ended_at__isnull=True)
    assert (holding.kind, holding.officer, holding.started_at) == (
        HolderKind.OFFICER,
        world["ga.review"],
        ANSWERED,
    )
    entry = CaseEvent.objects.filter(case=case).last()
    assert (entry.outcome, entry.actor, entry.comment) == (
        "resupplied",
        world["citizen.wang"],
        "户口簿：说明\n\n已重新拍照",  # the explanation asked for, then the comment
    )
    audited = AuditEvent.objects.get(action="cases.case_resupplied")
    assert audited.detail["attachments"] == {"photo": photo.pk}
    assert audited.detail["corrected"] == ["applicant_phone"]
    assert AuditEvent.objects.filter(action="workflow.task_resumed").count() == 1
    officer = Notification.objects.get(recipient=world["ga.review"], kind="case_resupplied")
    assert officer.link == f"/cases/tasks/{review.pk}/"
    assert Notification.objects.filter(
        recipient=world["citizen.wang"], kind="case_resumed"
    ).exists()
    resumed = next(m for m in mail.outbox if m.to == [world["citizen.wang"].email])
    assert "预计最迟于 2026-03-16 办结。" in resumed.body  # its last day, as pages write it


def test_an_unclaimed_step_goes_back_to_the_inbox_and_its_officers_are_told(world):
    case, review = accepted_passport(world, at("2026-03-02", 10))
    ask(world, review)
    answer(world, case, {"photo": upload(world["citizen.wang"]).pk})
    review.refresh_from_db()
    assert review.status == TaskStatus.READY
    holding = TaskHolding.objects.get(task=review, ended_at__isnull=True)
    assert holding.kind == HolderKind.QUEUE
    told = set(
        Notification.objects.filter(kind="case_resupplied").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"ga.review"}  # the reviewing officers of 公安, not its window


def test_answering_twice_is_a_conflict(world, waiting):
    case, _review, _supplement = waiting
    answer(world, case, {"photo": upload(world["citizen.wang"]).pk})
    with pytest.raises(Conflict):
        answer(world, case, {"photo": upload(world["citizen.wang"]).pk})
    assert AuditEvent.objects.filter(action="cases.case_resupplied").count() == 1


def test_the_officer_may_decide_again_after_the_answer(world, waiting):
    case, review, _supplement = waiting
    with pytest.raises(Conflict):
        decide(world["ga.review"], review, "approve", claim=False)
    answer(world, case, {"photo": upload(world["citizen.wang"]).pk})
    with travel(at("2026-03-10", 10)):
        decide(world["ga.review"], review, "approve", claim=False)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert clock_of(case).late is False


# --- a life event's item ------------------------------------------------------------


WAITING_FOR_HUKOU = ("310000-YB-GG-0001", "310000-RS-GG-0001")


@pytest.fixture
def newborn(world):
    """The newborn event filed Mon 03-02 10:00; its birth certificate done at 11:00, so
    the 公安 hukou step is open."""
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    with travel(at("2026-03-02", 11)):
        decide(world["wj.review"], open_task(parent, "Task_birth_certificate"), "complete")
    parent.refresh_from_db()
    children = {c.service_code: c for c in parent.children.all()}
    return parent, children, open_task(parent, "Task_hukou")


def test_a_supplement_on_a_life_events_item_stops_the_item_and_the_parent(world, newborn):
    parent, children, hukou = newborn
    items = [{"slot": "household_register", "reason": "缺少本人页"}]
    supplement = ask(world, hukou, items, who="ga.window", when=at("2026-03-03", 10))
    item = children["310000-GA-QR-0001"]
    assert supplement.case == item
    assert supplement.items[0]["material"] == "居民户口簿（户主页及本人页）"
    parent.refresh_from_db()
    item.refresh_from_db()
    assert (parent.status, item.status) == (CaseStatus.SUPPLEMENT, CaseStatus.SUPPLEMENT)
    assert clock_of(parent).state == clock_of(item).state == ClockState.PAUSED
    assert clock_of(hukou).state == ClockState.PAUSED
    # The finished birth certificate item keeps its stopped clock.
    assert clock_of(children["310000-WJ-QR-0001"]).state == ClockState.STOPPED
    assert CaseEvent.objects.filter(case=item, outcome="supplement_requested").exists()
    # The applicant answers on the event's own number.
    assert supplements.open_request(world["citizen.wang"], parent.number) == supplement
    register = upload(world["citizen.wang"], "household_register", form="newborn_hukou")
    old = parent.attachments.get(slot="household_register")
    with travel(at("2026-03-04", 10)):
        supplements.resupply(
            applicant=world["citizen.wang"],
            number=parent.number,
            attachments={"household_register": register.pk},
        )
    parent.refresh_from_db()
    item.refresh_from_db()
    assert item.status == CaseStatus.SUBMITTED  # as it was: its step had not finished
    assert parent.status == CaseStatus.IN_PROGRESS
    assert clock_of(parent).state == clock_of(item).state == ClockState.RUNNING
    # 1 day banked (03-03); resumed 03-04: the parent's 18 days left (of 3 + 5 + 1 + 10)
    # are 03-05, 06, 09..13, 16..20, 23..27, 30.
    assert clock_of(parent).used_days == 1
    assert clock_of(parent).due_at == midnight("2026-03-31")
    # The items waiting for the hukou item have not begun: nothing of theirs was paused.
    waiting = Case.objects.filter(pk__in=[children[c].pk for c in WAITING_FOR_HUKOU])
    assert list(waiting.values_list("clock", flat=True)) == [None, None]
    # The officers read the event's files on the parent: the new register replaces the old.
    files = Case.objects.get(pk=parent.pk).attachments.all()
    assert register in files and old not in files
    hukou.refresh_from_db()
    assert hukou.status == TaskStatus.READY


NEW_ADDRESS = "上海市黄浦区新地址7号"


@pytest.mark.parametrize(
    "name",
    ["newborn_hukou__hukou_address", "hukou_address"],
    ids=["as-the-event-form-names-it", "as-the-item-form-names-it"],
)
def test_an_answer_corrected_on_a_life_events_item_reaches_the_item_the_event_and_the_run(
    world, newborn, name
):
    """A correction named as the applicant's own form names it was dropped without a
    word; named as the item's form does, the event's page kept the old answer (QA)."""
    parent, children, hukou = newborn
    ask(world, hukou, [{"material": "落户地址", "reason": "地址不完整"}], who="ga.window")
    item = children["310000-GA-QR-0001"]
    with travel(at("2026-03-04", 10)):
        supplements.resupply(
            applicant=world["citizen.wang"], number=parent.number, data={name: NEW_ADDRESS}
        )
    item.refresh_from_db()
    parent.refresh_from_db()
    assert item.data["hukou_address"] == NEW_ADDRESS
    assert parent.data["newborn_hukou__hukou_address"] == NEW_ADDRESS
    # The run the items share tests the event's answers, by their merged names.
    instance = ProcessInstance.objects.get(pk=parent.instance_id)
    [ready] = engine.ready_user_tasks(runs.load(instance, ServiceContext()))
    assert ready.data["newborn_hukou__hukou_address"] == NEW_ADDRESS
    # The other items keep what their departments were given.
    birth = children["310000-WJ-QR-0001"]
    assert "hukou_address" not in birth.data


def test_a_correction_naming_no_question_of_the_item_is_refused_and_nothing_saved(world, newborn):
    parent, children, hukou = newborn
    supplement = ask(
        world, hukou, [{"material": "落户地址", "reason": "地址不完整"}], who="ga.window"
    )
    item = children["310000-GA-QR-0001"]
    before = {c.pk: dict(c.data) for c in Case.objects.filter(pk__in=[parent.pk, item.pk])}
    given = {
        "newborn_hukou__hukou_address": NEW_ADDRESS,
        "totally_bogus": "x",
        "birth_certificate__hospital": "某医院",
    }
    with pytest.raises(InvalidInput) as caught, travel(at("2026-03-04", 10)):
        supplements.resupply(applicant=world["citizen.wang"], number=parent.number, data=given)
    assert {name: [str(m) for m in messages] for name, messages in caught.value.fields.items()} == {
        "totally_bogus": ["本申请没有这一问题。"],
        "birth_certificate__hospital": ["本申请没有这一问题。"],
    }
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.OPEN
    for case in Case.objects.filter(pk__in=before):
        assert case.data == before[case.pk]


def test_a_refused_correction_is_named_as_it_was_sent(world, newborn):
    """Sent under the event form's names, its problems came under the item's (QA)."""
    parent, _children, hukou = newborn
    ask(world, hukou, [{"material": "落户地址", "reason": "地址不完整"}], who="ga.window")
    with pytest.raises(InvalidInput) as caught, travel(at("2026-03-04", 10)):
        supplements.resupply(
            applicant=world["citizen.wang"],
            number=parent.number,
            data={"newborn_hukou__hukou_address": "长" * 201},
        )
    assert list(caught.value.fields) == ["newborn_hukou__hukou_address"]


def test_an_unknown_question_is_refused_on_a_single_items_case_too(world, waiting):
    case, review, supplement = waiting
    photo = upload(world["citizen.wang"])
    with pytest.raises(InvalidInput) as caught:
        answer(world, case, {"photo": photo.pk}, data={"emergency_contact_fone": "13916200177"})
    assert list(caught.value.fields) == ["emergency_contact_fone"]
    still_waiting(case, review, supplement)


def test_the_applicant_is_asked_under_the_events_number_for_the_item(world, newborn):
    """The notice gives the number and page of the application the applicant filed
    and names the item, not the item's own number, which they never applied under."""
    parent, children, hukou = newborn
    item = children["310000-GA-QR-0001"]
    ask(world, hukou, [{"slot": "household_register", "reason": "缺少本人页"}], who="ga.window")
    [notice] = Notification.objects.filter(kind="supplement_requested")
    assert (notice.case_number, notice.link) == (parent.number, f"/cases/{parent.number}/")
    assert item.number not in notice.subject + notice.body
    assert item.service_name in notice.body


def test_a_supplement_before_acceptance_stops_the_acceptance_step(world):
    with travel(at("2026-03-02", 9)):
        case = submit(world["citizen.wang"], PASSPORT)
    accept = open_task(case, "Task_accept")
    supplement = ask(world, accept, who="ga.window", when=at("2026-03-02", 11))
    case.refresh_from_db()
    assert (case.status, case.clock, supplement.previous_status) == (
        CaseStatus.SUPPLEMENT,
        None,
        CaseStatus.SUBMITTED,
    )
    assert (clock_of(accept).state, clock_of(accept).used_days) == (ClockState.PAUSED, 0)
    answer(world, case, {"photo": upload(world["citizen.wang"]).pk}, when=at("2026-03-04", 10))
    case.refresh_from_db()
    assert (case.status, case.clock) == (CaseStatus.SUBMITTED, None)
    # The acceptance step's 1 day counts again from Wed 03-04 (day 0): the close of 03-05.
    assert clock_of(accept).due_at == midnight("2026-03-06")
    # The case's own limit starts only when it is accepted.
    with travel(at("2026-03-05", 10)):
        decide(world["ga.window"], accept, "accept")
    assert clock_of(case).started_at == at("2026-03-05", 10)


@pytest.mark.django_db(transaction=True)
def test_a_decision_and_a_supplement_request_at_once_wait_for_each_other(
    world, passport, monkeypatch
):
    # Both lock the step's task and its case; in opposite orders they deadlocked.
    _case, review = passport
    race = racing_a_decision(monkeypatch)
    race.pause(supplements, "_case_of_task", after=True)  # holds the case
    officer = world["ga.review"]
    outcomes = outcomes_at_once(
        lambda: services.decide_task(actor=officer, task_id=review.pk, outcome="approve"),
        lambda: supplements.request_supplement(actor=officer, task_id=review.pk, items=PHOTO),
    )
    # One goes first; the other finds the step decided, or waiting for the supplement.
    failed = [exc for exc in outcomes if exc is not None]
    assert len(failed) == 1 and isinstance(failed[0], Conflict), outcomes


def test_a_forms_material_is_named_in_the_readers_language(world, passport):
    """The request keeps the form's Chinese label, as the officer saw it; pages and the
    API name it in their reader's language. A name the officer typed stays as typed."""
    case, review = passport
    ask(
        world,
        review,
        [*PHOTO, {"slot": "previous_passport", "material": "旧护照", "reason": "模糊"}],
    )
    [stored_photo, _typed] = SupplementRequest.objects.get().items
    assert stored_photo["material"] == "出入境证件数码照片"
    applicant = world["citizen.wang"]
    with travel(ANSWERED):
        token, _record = issue_token(user=applicant)
        for language, photo in (
            ("en", "Digital photo for exit-entry documents"),
            ("zh-hans", "出入境证件数码照片"),
        ):
            client = Client(HTTP_ACCEPT_LANGUAGE=language)
            client.cookies["django_language"] = language
            client.force_login(applicant)
            page = lxml.html.fromstring(client.get(f"/cases/{case.number}/").content)
            [listed] = page.xpath("//div[@id='supplement']/ul")
            names = [strong.text_content() for strong in listed.xpath(".//strong")]
            assert names == [photo, "旧护照"]
            read = Client().get(
                f"/api/v1/cases/{case.number}",
                headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
            )
            [asked] = read.json()["supplements"]
            assert [item["material"] for item in asked["items"]] == [photo, "旧护照"]
            # The timeline's entry of the request says it in the reader's language too.
            [entry] = [e for e in read.json()["timeline"] if e["outcome"] == "supplement_requested"]
            assert entry["note_for_applicant"].startswith(photo)
            notes = page.xpath("//li[contains(@class, 'timeline-supplement_requested')]")
            assert photo in notes[0].text_content()
    # And so does the notice, written once in each language.
    notice = Notification.objects.get(kind="supplement_requested")
    assert "Digital photo for exit-entry documents" in notice.texts["en"][1]
    assert "出入境证件数码照片" in notice.texts["zh-hans"][1]


def test_long_texts_are_refused_at_their_fields_not_cut(world, passport):
    _case, review = passport
    too_long = "缺" * (MAX_NOTE + 1)
    with pytest.raises(InvalidInput) as caught:
        ask(world, review, note=too_long)
    assert list(caught.value.fields) == ["note"]
    with pytest.raises(InvalidInput) as caught:
        ask(world, review, [{"slot": "photo", "reason": "缺" * 501}])
    assert list(caught.value.fields) == ["items.0.reason"]
    assert not SupplementRequest.objects.exists()
    ask(world, review)
    with pytest.raises(InvalidInput) as caught:
        answer(world, _case, {"photo": upload(world["citizen.wang"]).pk}, comment=too_long)
    assert list(caught.value.fields) == ["comment"]
    assert SupplementRequest.objects.get().status == SupplementStatus.OPEN


def test_entries_written_before_the_link_find_their_request(world, passport):
    case, review = passport
    supplement = ask(world, review)
    CaseEvent.objects.filter(supplement=supplement).update(supplement=None)
    link_requests = import_module("onewindow.cases.migrations.0015_case_event_supplement")
    link_requests.link_requests(django_apps, None)
    entry = CaseEvent.objects.get(case=case, outcome="supplement_requested")
    assert entry.supplement == supplement
