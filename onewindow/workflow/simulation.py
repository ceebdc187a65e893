"""Trying a process version before items are bound to it: a run in memory on sample case
data, each officer's step decided as the admin chose (or approved), to see which steps the
gateways and decision tables route it through and where it ends — or the message of the
expression or rule that stops it.

Nothing is stored: the run is never saved, and whatever a platform function called by a
service task might write is rolled back (functions act on a run only with its
``instance_id``, which a trial has none of). Timers are not fired: a run that would wait
for one stops there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from onewindow.core.errors import FieldErrors, InvalidInput
from onewindow.workflow import engine, failures, library, runs
from onewindow.workflow.bundle import msg
from onewindow.workflow.choices import Outcome
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.registry import ServiceContext

MAX_STEPS = 50  # officers' decisions in one trial: a process that loops stops there

# The decision a step gets when the trial names none: the one that lets the case go on.
GOING_ON = (Outcome.APPROVE, Outcome.ACCEPT, Outcome.COMPLETE)


class Ending:
    COMPLETED = "completed"  # the process reached its end
    WAITING = "waiting"  # for a timer, which a trial does not fire
    LOOPING = "looping"  # still deciding after MAX_STEPS
    FAILED = "failed"  # an expression or a decision table stopped it


@dataclass(frozen=True)
class TrialStep:
    bpmn_id: str
    name: str
    name_en: str
    lane: str
    outcome: str

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label) if self.outcome in Outcome.values else self.outcome


@dataclass
class Trial:
    steps: list[TrialStep] = field(default_factory=list)
    ending: str = Ending.COMPLETED
    message: str = ""  # why it failed
    reason: str = ""  # why, plainly, where the failing expression tells (``failures``)
    stopped_at: str = ""  # the BPMN id of the element that failed, where known
    ends: list[str] = field(default_factory=list)  # the end events reached (BPMN ids)
    detail: str = ""  # the expression's or rule's own error, for whoever wrote it
    states: dict[str, str] = field(default_factory=dict)  # element id → completed/current


def default_outcome(offered: tuple[str, ...]) -> str:
    """The outcome a step is decided with unless the trial says otherwise."""
    choices = offered or tuple(Outcome.values)
    return str(next((o for o in GOING_ON if o in choices), choices[0]))


def check_request(
    spec: engine.ProcessSpec, data: Mapping[str, Any], outcomes: Mapping[str, str]
) -> None:
    """``InvalidInput`` naming what a trial cannot be run on: data that is not task data,
    a decision for a task the process does not have, or one the task does not offer."""
    try:
        engine.check_data(data)
    except engine.TaskInputError as error:
        raise InvalidInput(error.message, fields={"data": [error.message]}) from error
    errors = FieldErrors()
    for task, outcome in outcomes.items():
        # Each at its own key, as the client sent it (``outcomes.Task_accept``).
        at = f"outcomes.{task}"
        facts = spec.facts.user_tasks.get(task)
        if facts is None:
            errors.add(at, msg(_("The process has no user task %(task)s."), task=task))
        elif facts.outcomes and outcome not in facts.outcomes:
            errors.add(
                at,
                msg(
                    _("Task %(task)s offers: %(outcomes)s."),
                    task=task,
                    outcomes=", ".join(facts.outcomes),
                ),
            )
    errors.raise_if_any()


def run_trial(
    definition: ProcessDefinition, data: Mapping[str, Any], outcomes: Mapping[str, str]
) -> Trial:
    """Run ``definition`` on ``data``, deciding each user task with ``outcomes[bpmn id]``
    (else ``default_outcome``). Raises ``InvalidInput`` for a request it cannot run
    (``check_request``) and ``engine.ProcessError`` when the version no longer loads; a
    failure of the run itself is the trial's ending."""
    spec = runs.spec_of(definition)
    check_request(spec, data, outcomes)
    context = ServiceContext()
    trial = Trial()
    with transaction.atomic():
        run = None
        try:
            run = engine.start(spec, data, context=context)
            while not engine.is_completed(run):
                ready = engine.ready_user_tasks(run)
                if not ready:
                    trial.ending = Ending.WAITING
                    break
                if len(trial.steps) >= MAX_STEPS:
                    trial.ending = Ending.LOOPING
                    break
                task = ready[0]
                facts = spec.facts.user_tasks.get(task.bpmn_id)
                offered = facts.outcomes if facts else task.outcomes
                outcome = str(outcomes.get(task.bpmn_id) or default_outcome(offered))
                trial.steps.append(
                    TrialStep(
                        bpmn_id=task.bpmn_id,
                        name=task.name,
                        name_en=facts.name_en if facts else "",
                        lane=task.lane,
                        outcome=outcome,
                    )
                )
                engine.complete_user_task(run, task.id, outcome=outcome, data={}, context=context)
        except engine.ProcessError as error:
            trial.ending = Ending.FAILED
            trial.message = str(error.message)
            trial.reason = failures.reason(error.failure)
            trial.stopped_at = error.element
            trial.detail = error.detail[:500]
        if run is not None:
            trial.states = engine.element_states(run)
            trial.ends = engine.ends_reached(run)
        transaction.set_rollback(True)  # a trial leaves nothing behind
    return trial


# --- the trial in words -----------------------------------------------------------
#
# Said the same on the back office's page and in the API's answer, in the reader's
# language, naming elements as the diagram does (``library.element_name``).

ENDINGS = {
    Ending.COMPLETED: _("The process reached its end."),
    Ending.WAITING: _("The process waits for a timer here; a trial does not fire timers."),
    Ending.LOOPING: _("The process was still asking for decisions after %(limit)d steps."),
    Ending.FAILED: _("The process stopped: %(message)s"),
}
# Where it ended: the end event's name (names, where parallel branches ended apart).
REACHED = _("The process reached its end at %(end)s.")
# A failure at a known element: named as the diagram names it, its id for whoever
# edits the file.
STOPPED_AT = _("The process stopped at %(step)s (%(id)s).")


def failure_text(definition: ProcessDefinition, trial: Trial) -> str:
    """Why a failed trial stopped: at which element, in words, where the engine knows;
    else the engine's message."""
    if not trial.stopped_at:
        return trial.message
    name = library.element_name(definition, trial.stopped_at)
    return str(STOPPED_AT) % {"step": name, "id": trial.stopped_at}


def ending_text(definition: ProcessDefinition, trial: Trial) -> str:
    """How the trial ended, in a sentence: the end event it reached, or where and why it
    stopped."""
    if trial.ending == Ending.FAILED and trial.stopped_at:
        return failure_text(definition, trial)
    if trial.ending == Ending.COMPLETED and trial.ends:
        separator = pgettext("list separator", ", ")
        names = separator.join(library.element_name(definition, end) for end in trial.ends)
        return str(REACHED) % {"end": names}
    return str(ENDINGS[trial.ending]) % {"limit": MAX_STEPS, "message": trial.message}
