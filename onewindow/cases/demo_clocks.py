"""Demo cases in every state of their time limit: running, due soon, overdue (with its
escalations), stopped for a supplement, extended, finished on time and finished late.

Each is replayed through the real services at moments in the past, counted back in
working days from the day ``make demo`` runs, with the clock travelled to each moment
(time-machine), so clocks, holders, timelines, timers and the audit log all agree. The
sweep the demo's worker runs every minute then announces the warnings and fires the
escalation timers that are due. Idempotent like ``demo.py``: a case whose key exists
is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import time_machine
from django.utils import timezone

from onewindow.cases import extensions, services, supplements
from onewindow.cases.demo import file_demo_case
from onewindow.cases.models import Case
from onewindow.identity.models import User
from onewindow.workdays.calendar import get_calendar
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.models import WorkTask

PASSPORT = "310000-GA-XK-0001"  # single department; review limit 5, escalation timers
ADOPTION = "310000-MZ-QR-0004"  # three departments in parallel
ASSISTANCE = "310101-MZ-GF-0002"  # DMN-routed, 黄浦区民政局's
COMPANY = "310000-SJ-XK-0001"  # 企业设立: five departments, four of them in parallel


def working_days_ago(n: int, *, hour: int = 10, today: date | None = None) -> datetime:
    """``hour`` o'clock (local) on the working day from which ``n`` working days have
    passed by today, whether or not today is one; ``n`` = 0 is a moment ago."""
    if n == 0:
        return timezone.now() - timedelta(minutes=max(1, 12 - hour))
    calendar = get_calendar()
    day, count = today or timezone.localdate(), 0
    while count < n:
        if calendar.is_working_day(day):
            count += 1
        day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass(frozen=True)
class Act:
    days_ago: int
    do: Callable[[Case], None]
    hour: int = 10


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _task(case: Case, bpmn_id: str) -> WorkTask:
    assert case.instance is not None
    return (
        workflow_queries.tasks_of_instance(case.instance)
        .filter(bpmn_id=bpmn_id, status__in=["ready", "claimed", "suspended"])
        .get()
    )


def decide(bpmn_id: str, username: str, outcome: str, comment: str) -> Callable[[Case], None]:
    def act(case: Case) -> None:
        officer = _user(username)
        task = _task(case, bpmn_id)
        workflow_services.claim_task(actor=officer, task_id=task.pk)
        services.decide_task(actor=officer, task_id=task.pk, outcome=outcome, comment=comment)

    return act


def claim(bpmn_id: str, username: str) -> Callable[[Case], None]:
    def act(case: Case) -> None:
        workflow_services.claim_task(actor=_user(username), task_id=_task(case, bpmn_id).pk)

    return act


def ask_supplement(bpmn_id: str, username: str, slot: str, reason: str) -> Callable[[Case], None]:
    def act(case: Case) -> None:
        supplements.request_supplement(
            actor=_user(username),
            task_id=_task(case, bpmn_id).pk,
            items=[{"slot": slot, "reason": reason}],
            note="请在补正后重新提交，办理时限自收到补正材料之日起继续计算。",
        )

    return act


def ask_extension(bpmn_id: str, username: str, days: int, reason: str) -> Callable[[Case], None]:
    """The step's officer asks for more time; the department's lead has not decided."""

    def act(case: Case) -> None:
        extensions.request_extension(
            actor=_user(username), task_id=_task(case, bpmn_id).pk, days=days, reason=reason
        )

    return act


def extend(
    bpmn_id: str, username: str, lead: str, days: int, reason: str
) -> Callable[[Case], None]:
    """The step's officer asks for more time and the department's lead grants it."""

    def act(case: Case) -> None:
        extension = extensions.request_extension(
            actor=_user(username), task_id=_task(case, bpmn_id).pk, days=days, reason=reason
        )
        extensions.decide_extension(
            actor=_user(lead), extension_id=extension.pk, approve=True, comment="同意延期"
        )

    return act


ACCEPT_GA = decide("Task_accept", "ga.window", "accept", "材料齐全，予以受理")
APPROVE_GA = decide("Task_review", "ga.review", "approve", "符合条件，准予签发")
ACCEPT_MZ = decide("Task_accept", "mz.window", "accept", "材料齐全，予以受理")
# 临时救助 is the district's: 黄浦区民政局's window accepts it, not the city's.
ACCEPT_HP_MZ = decide("Task_accept", "hp.mz.window", "accept", "材料齐全，予以受理")

# (key, applicant, service, submitted working days ago, acts)
CLOCK_CASES: list[tuple[str, str, str, int, list[Act]]] = [
    # Running and on time: accepted today, review due in 5 working days.
    ("demo-clock-running", "citizen.wang", PASSPORT, 0, [Act(0, ACCEPT_GA)]),
    # Due soon: accepted 4 working days ago, the reviewer holds it (4 of 5 used).
    (
        "demo-clock-due-soon",
        "citizen.chen",
        PASSPORT,
        4,
        [Act(4, ACCEPT_GA), Act(3, claim("Task_review", "ga.review"))],
    ),
    # Overdue: accepted 8 working days ago and left in the inbox; the reminder (day 4),
    # the lead (day 5) and the supervisor (day 7) timers fire at the worker's sweep.
    ("demo-clock-overdue", "citizen.wang", PASSPORT, 8, [Act(8, ACCEPT_GA)]),
    # Stopped for a supplement: the police reviewer asked for the household register.
    (
        "demo-clock-supplement",
        "citizen.chen",
        ADOPTION,
        3,
        [
            Act(3, ACCEPT_MZ),
            Act(
                1,
                ask_supplement(
                    "Task_review_ga", "ga.review", "household_register", "户口簿复印件不清晰"
                ),
            ),
        ],
    ),
    # Extended: the district's civil affairs review needed a home visit; its lead
    # approved 2 days.
    (
        "demo-clock-extended",
        "citizen.wang",
        ASSISTANCE,
        3,
        [
            Act(3, ACCEPT_HP_MZ),
            Act(
                1,
                extend("Task_review", "hp.mz.review", "hp.mz.lead", 2, "需入户核查家庭经济状况"),
            ),
        ],
    ),
    # Extension asked: the district's reviewer needs the applicant's income records;
    # the lead has it to decide on the extensions page.
    (
        "demo-clock-extension-asked",
        "citizen.chen",
        ASSISTANCE,
        2,
        [
            Act(2, ACCEPT_HP_MZ),
            Act(0, ask_extension("Task_review", "hp.mz.review", 3, "需调取申请人家庭收入证明")),
        ],
    ),
    # Completed (办结): a company set up by five departments over three working days,
    # each step within its day.
    (
        "demo-company-completed",
        "agent.li",
        COMPANY,
        5,
        [
            Act(5, decide("Task_accept", "sj.window", "accept", "材料齐全，予以受理"), hour=11),
            Act(4, decide("Task_license", "sj.review", "approve", "准予设立登记")),
            Act(3, decide("Task_social", "rs.window", "complete", "已办理单位社保登记")),
            Act(3, decide("Task_tax", "sw.review", "complete", "已办理税务登记"), hour=14),
            Act(
                3,
                decide("Task_fund", "gjj.review", "complete", "已开设单位住房公积金账户"),
                hour=15,
            ),
            Act(3, decide("Task_seal", "ga.window", "complete", "公章刻制已备案"), hour=16),
        ],
    ),
    # Finished on time: accepted 6 working days ago, approved 2 days later.
    ("demo-clock-on-time", "citizen.chen", PASSPORT, 6, [Act(6, ACCEPT_GA), Act(4, APPROVE_GA)]),
    # Finished late: accepted 12 working days ago, approved 8 working days later.
    ("demo-clock-late", "citizen.wang", PASSPORT, 12, [Act(12, ACCEPT_GA), Act(4, APPROVE_GA)]),
]


def load_demo_clock_cases(today: date | None = None) -> int:
    """Replay the clock demo cases; returns how many were added."""
    created = 0
    for key, username, service, submitted, acts in CLOCK_CASES:
        applicant = User.objects.filter(username=username).first()
        if applicant is None or Case.objects.filter(applicant=applicant, idempotency_key=key):
            continue
        with time_machine.travel(working_days_ago(submitted, hour=9, today=today), tick=False):
            # Filed unqueued, as every demo case: its steps are taken at once, below.
            case, _new = file_demo_case(key, applicant, service)
        for act in acts:
            with time_machine.travel(
                working_days_ago(act.days_ago, hour=act.hour, today=today), tick=False
            ):
                case.refresh_from_db()
                act.do(case)
        created += 1
    return created
