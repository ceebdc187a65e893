"""Writes of the workflow app, each in one transaction with its audit record: process
definitions uploaded, runs started, tasks claimed, released and completed. The steps of
time limits (supplements, extensions, timers) are in ``limits``; the locks and audited
refusals every step shares in ``steps``.

A step of a process (starting it, completing a task, firing its timers) loads the
instance's state under a row lock, runs the engine, saves the new state, updates the
officers' task rows and writes the audit record, all in one transaction: a failure
anywhere leaves the case exactly as it was. Locks are taken instance first, then task,
everywhere, so two steps cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onewindow.audit.services import record_event, refused
from onewindow.core.errors import Conflict, FieldErrors, Forbidden, InvalidInput
from onewindow.core.keys import KEY_RULE, is_valid_key
from onewindow.identity import naming
from onewindow.identity.models import Department
from onewindow.workflow import engine, permissions, runs, timekeeping
from onewindow.workflow.bundle import BundleError, Problem, msg
from onewindow.workflow.choices import (
    OPEN_TASK_STATUSES,
    HolderKind,
    InstanceStatus,
    TaskStatus,
)
from onewindow.workflow.models import (
    ProcessDefinition,
    ProcessInstance,
    WorkTask,
    bundle_sha256,
)
from onewindow.workflow.registry import ServiceContext
from onewindow.workflow.steps import (
    Refused,
    audited_refusals,
    definition_target,
    locked_instance,
    locked_task,
    task_target,
    visible_task_run,
)
from onewindow.workflow.validation import BundleFacts

MAX_FILE_CHARS = 2_000_000


# --- definitions ------------------------------------------------------------------


class InvalidBundle(InvalidInput):
    """A process file refused at upload: the API answers with the messages by file
    field; the back office lists ``problems`` element by element."""

    def __init__(self, problems: list[Problem]) -> None:
        fields: dict[str, list[Any]] = {}
        for problem in problems:
            fields.setdefault("dmn_files" if problem.source else "bpmn_xml", []).append(
                problem.message
            )
        # One problem is the answer's message; of several, the first alone read as if it
        # were the only one: the message counts them, the fields list each.
        message: Promise | str = problems[0].message
        if len(problems) > 1:
            message = ngettext_lazy(
                "The files have %(count)d problem; each is listed under its file.",
                "The files have %(count)d problems; each is listed under its file.",
                "count",
            ) % {"count": len(problems)}
        super().__init__(message, fields=fields)
        self.problems = problems


def _lanes_of_stored(definition: ProcessDefinition) -> list[Department]:
    """The departments a stored version's lanes name; none when it no longer loads (a
    platform function it calls was removed), which leaves the new file's lanes to say.
    Its files are read only when its spec is not parsed yet (deferred fields)."""
    try:
        facts = runs.spec_of(definition).facts
    except engine.ProcessError:
        return []
    return list(runs.lane_departments(facts).values())


def _newest(key: str) -> ProcessDefinition | None:
    """The newest version of ``key`` (its number, name and fingerprint only), or None."""
    versions = ProcessDefinition.objects.filter(key=key).order_by("-version")
    return versions.only("version", "name", "sha256").first()


def _same_as(
    newest: ProcessDefinition, name: str, bpmn_xml: str, dmn_files: dict[str, str]
) -> bool:
    """Whether an upload would store nothing new: the same files under the same name (the
    fingerprint covers the files; a new name alone is a change worth a version)."""
    return newest.name == name.strip() and newest.sha256 == bundle_sha256(bpmn_xml, dmn_files)


def _unknown_departments(
    facts: BundleFacts, departments: Mapping[str, Department]
) -> list[Problem]:
    """A problem for each lane (in the file's order) naming a department that does not exist."""
    return [
        Problem(
            msg(
                _("Lane %(name)s names department %(code)s, which does not exist."),
                name=lane.name,
                code=lane.department_code,
            ),
            "lane",
            lane.bpmn_id,
            name=lane.name,
            name_en=facts.names_en.get(lane.bpmn_id, ""),
        )
        for lane in facts.lanes.values()
        if lane.department_code not in departments
    ]


@dataclass(frozen=True)
class _CheckedBundle:
    """What the checks of a bundle found: its spec (None when they failed), every
    problem of the files (the bundle's own, as its checks order them, then the lanes
    naming no department) and the departments its lanes name, by code. The lanes are
    read even when the bundle's checks failed, on the lanes those read, so that who may
    upload the file is known before its problems are reported."""

    spec: engine.ProcessSpec | None
    problems: list[Problem]
    departments: dict[str, Department]

    def valid_spec(self) -> engine.ProcessSpec:
        """The spec; else an ``InvalidBundle`` listing every problem of the files."""
        if self.problems or self.spec is None:
            raise InvalidBundle(self.problems)
        return self.spec


def _checked_bundle(bpmn_xml: str, dmn_files: Mapping[str, str]) -> _CheckedBundle:
    spec: engine.ProcessSpec | None = None
    try:
        spec = engine.build_spec(bpmn_xml, dmn_files)
    except BundleError as exc:
        problems, facts = list(exc.problems), exc.facts
    else:
        problems, facts = [], spec.facts
    departments: dict[str, Department] = {}
    # No facts: a file is not XML, or holds no one BPMN process; there are no lanes to
    # look up (the uploader fixes that first).
    if facts is not None:
        departments = runs.lane_departments(facts)
        problems += _unknown_departments(facts, departments)
    return _CheckedBundle(spec, problems, departments)


def upload_problems(definition: ProcessDefinition) -> list[Problem]:
    """What the upload checks of today find in a stored definition's files: none when
    they would accept it as it is. A version stored before a check was added keeps
    running its cases (``validation.check_bundle``); ``manage.py check_processes`` asks
    this of each."""
    return _checked_bundle(definition.bpmn_xml, definition.dmn_files).problems


NAME_LIMIT = ProcessDefinition._meta.get_field("name").max_length


def upload_definition(
    *,
    actor: Any,
    key: str,
    name: str,
    bpmn_xml: str,
    dmn_files: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
    refuse_unchanged: bool = False,
) -> ProcessDefinition:
    """Validate a bundle and store it as the next version of ``key``.

    ``actor`` None is the system (demo seed, migrations). Anyone else must manage every
    department the process's lanes name. With ``refuse_unchanged`` (the back office),
    files identical to the newest version's are a ``Conflict`` rather than a new version
    that changes nothing.
    """
    dmn_files = dict(dmn_files or {})
    if actor is not None and not permissions.can_manage_definitions(actor):
        # Before anything is read: parsing and checking a file costs the server, and a
        # file naming no lane would otherwise need no department's admin (QA: a
        # citizen's token uploaded one through the API).
        raise refused(
            Forbidden(_("Only department and platform admins may upload processes.")),
            actor=actor,
            action="workflow.definition_uploaded",
            target=("workflow.processdefinition", key),
            detail={},
            request=request,
        )
    if not is_valid_key(key):
        raise InvalidInput(KEY_RULE, fields={"key": [KEY_RULE]})
    problems = FieldErrors()
    name = problems.text(name, "name", required=True, limit=NAME_LIMIT)
    problems.raise_if_any()
    # Files past the limit are not read at all (the limit bounds what parsing costs), so
    # they are refused before any check of what they say.
    if len(bpmn_xml) + sum(len(text) for text in dmn_files.values()) > MAX_FILE_CHARS:
        raise InvalidInput(
            _("The files are too large."), fields={"bpmn_xml": [_("The files are too large.")]}
        )
    # Whether this uploader may upload a process drawing these lanes (403, audited: a
    # refusal of the person), before what else the files say (422, every problem at
    # once): someone who may not upload the process learns nothing more of its checks,
    # nor corrects a file only to be refused it afterwards.
    checked = _checked_bundle(bpmn_xml, dmn_files)
    departments = checked.departments
    lanes = sorted(departments.values(), key=lambda department: department.path)
    others = [] if actor is None else permissions.departments_not_managed(actor, lanes)
    message = msg(
        _(
            "Only an admin of every department in the process's lanes may upload it; "
            "you are not an admin of %(departments)s."
        ),
        departments=naming.lazy_names(others),
    )
    if actor is not None and not others and (newest := _newest(key)) is not None:
        # The next version replaces what those departments' items are offered as the
        # newest: it is theirs to upload too, whatever lanes the new file draws.
        others = permissions.departments_not_managed(actor, _lanes_of_stored(newest))
        message = msg(
            _(
                "Only an admin of every department in the lanes of version %(version)d of "
                "this process may upload its next version; you are not an admin of "
                "%(departments)s."
            ),
            version=newest.version,
            departments=naming.lazy_names(others),
        )
    if others:
        raise refused(
            Forbidden(message),
            actor=actor,
            action="workflow.definition_uploaded",
            target=("workflow.processdefinition", key),
            detail={"departments": sorted(departments), "not_managed": [d.code for d in others]},
            request=request,
        )
    spec = checked.valid_spec()
    try:
        with transaction.atomic():
            newest = _newest(key)
            if refuse_unchanged and newest and _same_as(newest, name, bpmn_xml, dmn_files):
                raise Conflict(
                    msg(
                        _("The files are the same as version %(version)d; nothing was stored."),
                        version=newest.version,
                    ),
                    code="unchanged",
                )
            definition = ProcessDefinition.objects.create(
                key=key,
                version=(newest.version if newest else 0) + 1,
                name=name.strip(),
                name_en=spec.facts.names_en.get(spec.facts.process_id, ""),
                bpmn_xml=bpmn_xml,
                dmn_files=dmn_files,
                created_by=actor,
            )
            record_event(
                actor=actor,
                action="workflow.definition_uploaded",
                target=definition,
                detail={
                    "key": key,
                    "version": definition.version,
                    "sha256": definition.sha256,
                    "process": spec.facts.process_id,
                    "departments": sorted(departments),
                },
                request=request,
            )
    except IntegrityError as exc:  # a concurrent upload took the same version number
        raise Conflict(_("Another version of this process was just uploaded; try again.")) from exc
    return definition


# --- running ----------------------------------------------------------------------


def start_instance(
    *,
    definition: ProcessDefinition,
    data: Mapping[str, Any],
    actor: Any,
    request: HttpRequest | None = None,
) -> ProcessInstance:
    """Start a run of this definition version with ``data`` (small facts, no files).

    Whether ``actor`` may start it is the caller's business (the case being filed).
    """
    with audited_refusals(
        actor, "workflow.instance_started", definition_target(definition), request
    ):
        spec = runs.spec_of(definition)
        with transaction.atomic():
            instance = ProcessInstance.objects.create(
                definition=definition, serializer_version=engine.STATE_VERSION
            )
            context = ServiceContext(actor=actor, instance_id=instance.pk)
            run = engine.start(spec, data, context=context)
            runs.save(instance, run)
            created, _cancelled = runs.sync_tasks(instance, run)
            record_event(
                actor=actor,
                action="workflow.instance_started",
                target=instance,
                detail={"definition": str(definition), "tasks": [t.bpmn_id for t in created]},
                request=request,
            )
    return instance


def claim_task(*, actor: Any, task_id: int, request: HttpRequest | None = None) -> WorkTask:
    """Take a ready task. Of two officers claiming at once, one wins; the other gets a
    Conflict (the row lock serializes them). Claiming a task one holds already changes
    nothing: a retry, or a second tab, gets the task as it is."""
    with (
        audited_refusals(actor, "workflow.task_claimed", task_target(task_id), request),
        transaction.atomic(),
    ):
        visible_task_run(actor, task_id)
        task = locked_task(task_id)
        if not permissions.can_work_on(actor, task):
            raise Refused(Forbidden(_("This task is for another role or department.")))
        if task.status == TaskStatus.CLAIMED:
            if task.claimed_by_id == actor.pk:
                return task
            raise Conflict(CLAIMED_BY_ANOTHER, code="already_claimed")
        check_open(task)
        task.status, task.claimed_by, task.claimed_at = TaskStatus.CLAIMED, actor, timezone.now()
        task.save(update_fields=["status", "claimed_by", "claimed_at"])
        timekeeping.hand_over(task, HolderKind.OFFICER, task.claimed_at, officer=actor)
        record_event(actor=actor, action="workflow.task_claimed", target=task, request=request)
    return task


CLOSED = _("This task is no longer open.")
CLAIMED_BY_ANOTHER = _("Another officer has claimed this task.")


def check_open(task: WorkTask) -> None:
    """A Conflict unless an officer may act on the task now: one waiting for the
    applicant's supplement says so (it comes back), any other not open is closed."""
    if task.status == TaskStatus.SUSPENDED:
        message = _("This task waits for the applicant's supplement.")
        raise Conflict(message, code="awaiting_supplement")
    if task.status not in OPEN_TASK_STATUSES:
        raise Conflict(CLOSED, code="task_closed")


def release_task(*, actor: Any, task_id: int, request: HttpRequest | None = None) -> WorkTask:
    """Give a claimed task back to the department's inbox."""
    with (
        audited_refusals(actor, "workflow.task_released", task_target(task_id), request),
        transaction.atomic(),
    ):
        visible_task_run(actor, task_id)
        task = locked_task(task_id)
        check_open(task)
        if task.status != TaskStatus.CLAIMED:
            raise Conflict(_("This task is not claimed."), code="not_claimed")
        if not permissions.can_release(actor, task):
            message = _(
                "Only the officer who claimed this task, or an admin of its department, may "
                "release it."
            )
            raise Refused(Forbidden(message))
        previous = task.claimed_by_id
        task.status, task.claimed_by, task.claimed_at = TaskStatus.READY, None, None
        task.save(update_fields=["status", "claimed_by", "claimed_at"])
        timekeeping.hand_over(task, HolderKind.QUEUE, timezone.now())
        record_event(
            actor=actor,
            action="workflow.task_released",
            target=task,
            detail={"claimed_by": previous},
            request=request,
        )
    return task


def complete_task(
    *,
    actor: Any,
    task_id: int,
    outcome: str,
    comment: str = "",
    note_for_applicant: str = "",
    data: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> WorkTask:
    """Decide a task and advance the process, in one transaction with the new tasks
    and the audit record."""
    with (
        audited_refusals(actor, "workflow.task_completed", task_target(task_id), request),
        transaction.atomic(),
    ):
        instance = locked_instance(visible_task_run(actor, task_id))
        task = locked_task(task_id)
        if not permissions.can_work_on(actor, task):
            raise Refused(Forbidden(_("This task is for another role or department.")))
        if instance.status != InstanceStatus.RUNNING:
            raise Conflict(CLOSED, code="task_closed")
        check_open(task)
        if not permissions.can_complete(actor, task):
            # The officer may work on it (above): it is held by another, a state of the
            # task as on claiming, not a refusal of the officer.
            raise Conflict(CLAIMED_BY_ANOTHER, code="already_claimed")
        context = ServiceContext(actor=actor, instance_id=instance.pk)
        run = runs.load(instance, context)
        engine.complete_user_task(
            run, task.spiff_task_id, outcome=outcome, data=dict(data or {}), context=context
        )
        task.status, task.outcome = TaskStatus.COMPLETED, outcome
        task.completed_by, task.completed_at = actor, timezone.now()
        task.comment, task.note_for_applicant = comment, note_for_applicant
        task.save(
            update_fields=[
                "status",
                "outcome",
                "completed_by",
                "completed_at",
                "comment",
                "note_for_applicant",
            ]
        )
        timekeeping.let_go([task], task.completed_at)
        runs.save(instance, run)
        task.instance = instance  # callers read its new status; spare them a reload
        created, cancelled = runs.sync_tasks(instance, run)
        record_event(
            actor=actor,
            action="workflow.task_completed",
            target=task,
            detail={
                "instance": instance.pk,
                "task": task.bpmn_id,
                "outcome": outcome,
                "next": [t.bpmn_id for t in created],
                "cancelled": cancelled,
                "instance_status": instance.status,
            },
            request=request,
        )
    return task
