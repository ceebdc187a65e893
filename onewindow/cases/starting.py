"""Starting a new case's run: in the submission's transaction, or (FILING_QUEUED,
ADR 0021) after commit in a worker, in a transaction of its own, exactly once; the
minute's catch-up starts what a lost message left."""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.audit.models import Outcome
from onewindow.audit.services import atomic_audit_last, record_event
from onewindow.cases import permissions, timeliness
from onewindow.cases.models import Case
from onewindow.core.after_commit import enqueue_after_commit
from onewindow.core.errors import Forbidden
from onewindow.identity.models import User
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import Outcome as StepOutcome
from onewindow.workflow.models import ProcessDefinition, process_files

MAX_FACT_CHARS = 200
# A queued run's message has this long before the minute's catch-up starts it itself.
QUEUE_GRACE = timedelta(seconds=30)
CATCH_UP = 500  # runs started per catch-up pass at most (the next pass does the rest)
# Queued longer than this, a case's run is late beyond what the catch-up explains.
STUCK_AFTER = timedelta(minutes=5)
# After a failed start the catch-up waits 1, 2, 4… minutes before trying again, at most
# an hour: a start that keeps failing (a process that can no longer load) is not retried
# every minute for ever, and one whose cause is fixed starts within the hour.
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)
MAX_ERROR_CHARS = 500
START_RUN = "onewindow.cases.start_run"  # the task ``_enqueue_start`` sends
CAUGHT_UP = (
    "The case stays queued: onewindow.cases.start_overdue_runs starts its run within a "
    "minute or two of the broker's return (or manage.py start_queued_runs at once)."
)


@dataclass
class StartReport:
    started: int = 0
    problems: list[str] = field(default_factory=list)


def process_facts(data: Mapping[str, Any], service: str) -> dict[str, Any]:
    """The small, plain answers a process's conditions may test; documents stay here."""
    facts: dict[str, Any] = {
        name: value
        for name, value in data.items()
        if isinstance(value, bool | int | float)
        or (isinstance(value, str) and len(value) <= MAX_FACT_CHARS)
    }
    facts["service"] = service
    return facts


def start_or_queue(
    parent: Case, children: Sequence[Case], applicant: User, request: HttpRequest | None
) -> None:
    """Start the new case's run now, or (FILING_QUEUED, ADR 0021) after commit in a
    worker: the parent was stored queued (``_new_case``)."""
    if parent.run_queued:
        # Best effort: with the broker down the case stays filed and queued, and the
        # minute's catch-up starts its run (``start_overdue_runs``) once it is back.
        enqueue_after_commit(
            _enqueue_start,
            parent.pk,
            task=START_RUN,
            about=f"case {parent.pk}",
            later=CAUGHT_UP,
        )
    else:
        _start_runs(parent, children, applicant, request)


def _enqueue_start(case_id: int) -> None:
    from onewindow.cases.tasks import start_run

    start_run.delay(case_id)


def _start_runs(
    parent: Case, children: Sequence[Case], applicant: User, request: HttpRequest | None
) -> None:
    """Start the run of a case (a life event's: one run of the event's process, as filed,
    which the children share; without one, one run per child) from the versions and
    answers it was filed with; where the process has no acceptance step, the clocks start at
    submission (but not an item's on a shared run whose department the run has not
    reached: ``timeliness.waiting``)."""
    if not children:
        _start(parent, _process_of(parent), parent.data, applicant, request)
    elif shared := _filed_process(parent) or _one_process(children):
        # Each child follows its department's task in the shared run.
        _start(parent, shared, parent.data, applicant, request)
        Case.objects.filter(parent=parent).update(instance=parent.instance)
        for child in children:
            child.instance = parent.instance
    else:
        for child in children:
            _start(child, _process_of(child), child.data, applicant, request)
    one_case_per_run = {case.instance_id: case for case in [parent, *children] if case.instance_id}
    instant = {
        run for run, case in one_case_per_run.items() if timeliness.accepted_without_a_step(case)
    }
    if instant:
        # The items whose own run accepts at once, and the event with them; an item with
        # an acceptance step of its own starts its clock when that step accepts it.
        accepted = [child for child in children if child.instance_id in instant]
        timeliness.start([*accepted, parent], parent.created_at)


def clock_starts_when_filed(parent: Case, children: Sequence[Case]) -> bool:
    """Whether the case's time limit will count from its submission: a run it starts
    (``_start_runs``' choice of runs) has no acceptance step. What its receipt says,
    before a queued run has started."""
    if not children:
        processes = [_process_of(parent)]
    elif shared := _filed_process(parent) or _one_process(children):
        processes = [shared]
    else:
        processes = [_process_of(child) for child in children]
    return any(
        process is not None and not workflow_queries.offers_outcome(process, StepOutcome.ACCEPT)
        for process in processes
    )


def _process_of(case: Case) -> ProcessDefinition | None:
    return case.item_version.process if case.item_version else None


def _filed_process(parent: Case) -> ProcessDefinition | None:
    """The event's process the parent was filed under, without its files (tens of
    kilobytes, which the engine reads only where it has not parsed them yet)."""
    if parent.process_id is None:
        return None
    if Case._meta.get_field("process").is_cached(parent):
        return parent.process
    return ProcessDefinition.objects.defer("bpmn_xml", "dmn_files").get(pk=parent.process_id)


def _one_process(children: Sequence[Case]) -> ProcessDefinition | None:
    """The process every item of an event without a process of its own is bound to, if
    they share one (how events ran before ``LifeEvent.process``); else None."""
    processes = {_process_of(child) for child in children}
    return processes.pop() if len(processes) == 1 else None


def start_queued_run(case_id: int) -> bool:
    """Start the run of a case filed queued; False when there is none to start (started
    already: a redelivered message, the catch-up and the message at once)."""
    with atomic_audit_last():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("applicant", "item_version__process", "process")
            .defer(*process_files("item_version__process"), *process_files("process"))
            .filter(pk=case_id, run_queued=True)
            .first()
        )
        if case is None:
            return False
        children = list(
            case.children.select_related("item_version__process")
            .defer(*process_files("item_version__process"))
            .order_by("pk")
        )
        _start_runs(case, children, case.applicant, None)
        case.run_queued = False
        case.save(update_fields=["run_queued"])
        # The case changed (its run, no longer queued): audited as the case's own event,
        # besides the run's start, which the workflow app audits.
        record_event(
            actor=None,
            action="cases.run_started",
            target=case,
            detail={
                "number": case.number,
                "runs": sorted({c.instance_id for c in [case, *children] if c.instance_id}),
                "queued_seconds": round((timezone.now() - case.created_at).total_seconds(), 3),
            },
        )
    return True


def start_overdue_runs(now: datetime | None = None) -> StartReport:
    """Start the queued runs whose message was lost or failed (the minute's catch-up):
    those queued for longer than ``QUEUE_GRACE``, but for a case whose start failed, not
    before its retry time. A case whose run cannot start is reported, its failure counted
    and audited, and it is left queued, to be tried again later and later
    (``note_start_failure``); the others go on."""
    now = now or timezone.now()
    queued = Case.objects.filter(run_queued=True, created_at__lte=now - QUEUE_GRACE).filter(
        Q(start_retry_at__isnull=True) | Q(start_retry_at__lte=now)
    )
    ids = queued.order_by("created_at", "pk").values_list("pk", flat=True)[:CATCH_UP]
    return _start_each(list(ids), now)


def start_queued_runs_now(numbers: Sequence[str] = ()) -> StartReport:
    """Start queued runs at once, whatever their retry time: the cases ``numbers`` name,
    or every queued one (an operator, once the cause of their failures is fixed)."""
    queued = Case.objects.filter(run_queued=True)
    if numbers:
        queued = queued.filter(number__in=numbers)
    return _start_each(list(queued.order_by("created_at", "pk").values_list("pk", flat=True)))


def start_by_operator(
    *, actor: User, numbers: Sequence[str], request: HttpRequest | None = None
) -> StartReport:
    """An operator starts these queued runs at once (Django's admin). Each start is
    audited as the catch-up's are; the request, with what came of it, is audited as
    the operator's."""
    if not permissions.can_start_queued_runs(actor):
        raise Forbidden(_("Only platform admins start queued processes by hand."))
    report = start_queued_runs_now(numbers) if numbers else StartReport()
    _record_request(actor, numbers, report, request=request)
    return report


def start_from_shell(numbers: Sequence[str] = ()) -> StartReport:
    """``manage.py start_queued_runs``: the same, asked on the server by no platform
    user; its request is audited with the server account that ran the command."""
    report = start_queued_runs_now(numbers)
    _record_request(None, numbers, report, shell_user=getpass.getuser())
    return report


def _record_request(
    actor: User | None,
    numbers: Sequence[str],
    report: StartReport,
    *,
    request: HttpRequest | None = None,
    shell_user: str = "",
) -> None:
    shell = {"shell_user": shell_user} if shell_user else {}
    # Outside any transaction (the starts committed one by one), the record is appended
    # in one of its own.
    record_event(
        actor=actor,
        action="cases.run_start_requested",
        outcome=Outcome.FAILURE if report.problems else Outcome.SUCCESS,
        detail={
            "numbers": list(numbers),
            "started": report.started,
            "problems": report.problems,
            **shell,
        },
        request=request,
    )


def _start_each(case_ids: list[int], now: datetime | None = None) -> StartReport:
    report = StartReport()
    for case_id in case_ids:
        try:
            report.started += start_queued_run(case_id)
        except Exception as error:  # one bad case must not stop the rest
            report.problems.append(f"case {case_id}: {error!r}")
            note_start_failure(case_id, error, now or timezone.now())
    return report


def note_start_failure(case_id: int, error: BaseException, now: datetime) -> None:
    """Count a failed start of a queued run and set when to try again, with an audit
    record of the error, in a transaction of its own (the start's rolled back)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, run_queued=True).first()
        if case is None:  # started meanwhile, by another worker
            return
        case.start_failures += 1
        case.start_retry_at = now + retry_delay(case.start_failures)
        case.save(update_fields=["start_failures", "start_retry_at"])
        record_event(
            actor=None,
            action="cases.run_start_failed",
            target=case,
            outcome=Outcome.FAILURE,
            detail={
                "number": case.number,
                "error": repr(error)[:MAX_ERROR_CHARS],
                "failures": case.start_failures,
                "retry_at": timezone.localtime(case.start_retry_at).isoformat(),
            },
        )


def retry_delay(failures: int) -> timedelta:
    """How long the catch-up waits after the ``failures``-th failed start."""
    return min(FIRST_RETRY * 2 ** min(failures - 1, 16), LAST_RETRY)


def _start(
    case: Case,
    process: ProcessDefinition | None,
    data: Mapping[str, Any],
    applicant: User,
    request: HttpRequest | None,
) -> None:
    assert process is not None  # filing refuses an item without one (_invalid_service)
    case.instance = workflow_services.start_instance(
        definition=process,
        data=process_facts(data, case.service_code),
        actor=applicant,
        request=request,
    )
    case.save(update_fields=["instance"])


class RunWait(StrEnum):
    """Where a filed case's run stands, for its page (``run_wait``)."""

    STARTED = ""  # or filing started it in the request: nothing to say
    QUEUED = "queued"  # a worker is expected to start it within moments
    LATE = "late"  # a start failed, or it has waited ``STUCK_AFTER``


def run_wait(case: Case, now: datetime) -> RunWait:
    """Where a filed case's run stands. A life event's items wait with the event (only
    the parent is queued)."""
    filed = case.parent or case
    if not filed.run_queued:
        return RunWait.STARTED
    if filed.start_failures or filed.created_at <= now - STUCK_AFTER:
        return RunWait.LATE
    return RunWait.QUEUED


def stuck_warning(now: datetime | None = None) -> str | None:
    """A line for operators (``/healthz``) when filed cases have waited longer than
    ``STUCK_AFTER`` for their run: no worker is running, or their starts keep failing
    (the worker's log says which)."""
    before = (now or timezone.now()) - STUCK_AFTER
    counts = Case.objects.filter(run_queued=True, created_at__lte=before).aggregate(
        waiting=Count("pk"), failing=Count("pk", filter=Q(start_failures__gt=0))
    )
    waiting, failing = counts["waiting"], counts["failing"]
    if not waiting:
        return None
    line = (
        f"cases: {waiting} filed case(s) have waited over {STUCK_AFTER.seconds // 60} "
        "minutes for their process to start; is a worker running? (its log names the "
        "cases whose start fails)"
    )
    if failing:
        line += f"; {failing} of them failed to start (audit: cases.run_start_failed)"
    return line
