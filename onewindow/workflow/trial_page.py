"""A trial run as its back-office page shows it: each step taken with its department in
the reader's language and the decision it was given, and the ending in words (the page's
table and the diagram's summary for screen readers say the same)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from onewindow.core.language import is_english
from onewindow.workflow import runs
from onewindow.workflow.bundle import parse_xml
from onewindow.workflow.data_names import DataName
from onewindow.workflow.forms import TrialForm
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.simulation import MAX_STEPS, Ending, Trial

ENDINGS = {
    Ending.COMPLETED: gettext_lazy("The process reached its end."),
    Ending.WAITING: gettext_lazy(
        "The process waits for a timer here; a trial does not fire timers."
    ),
    Ending.LOOPING: gettext_lazy(
        "The process was still asking for decisions after %(limit)d steps."
    ),
    Ending.FAILED: gettext_lazy("The process stopped: %(message)s"),
}
# A failure at a known element: named as the diagram names it, its id for whoever
# edits the file.
STOPPED_AT = gettext_lazy("The process stopped at %(step)s (%(id)s).")


@dataclass(frozen=True)
class StepShown:
    number: int
    name: str
    department: str
    outcome: str


@dataclass(frozen=True)
class TrialPage:
    definition: ProcessDefinition
    form: TrialForm
    trial: Trial | None
    lanes: dict[str, str]  # lane name → what it stands for, in the reader's language
    reads: list[DataName]  # the case data the version reads

    def steps(self) -> list[StepShown]:
        if self.trial is None:
            return []
        english = is_english()
        return [
            StepShown(
                number=n,
                name=(step.name_en if english and step.name_en else step.name),
                department=self.lanes.get(step.lane, step.lane),
                outcome=step.outcome_label,
            )
            for n, step in enumerate(self.trial.steps, start=1)
        ]

    def ending(self) -> str:
        if self.trial is None:
            return ""
        if self.trial.ending == Ending.FAILED and self.trial.stopped_at:
            element = self.trial.stopped_at
            return str(STOPPED_AT) % {"step": self._name_of(element), "id": element}
        return str(ENDINGS[self.trial.ending]) % {
            "limit": MAX_STEPS,
            "message": self.trial.message,
        }

    def _name_of(self, element_id: str) -> str:
        """The element's name in the reader's language (its ``name_en`` property on
        English pages), else its id."""
        english = runs.spec_of(self.definition).facts.names_en.get(element_id, "")
        if is_english() and english:
            return english
        found = parse_xml(self.definition.bpmn_xml).xpath("//*[@id=$id]/@name", id=element_id)
        return str(found[0]) if found else element_id

    def missing(self) -> list[DataName]:
        """What the version reads that a failed trial's case data did not give: the
        likeliest reason it stopped, said plainly beside the engine's own words."""
        if self.trial is None or self.trial.ending != Ending.FAILED:
            return []
        given = self.form.cleaned_data.get("case_data") or {}
        return [entry for entry in self.reads if entry.name not in given]

    def summary(self) -> str:
        """The trial in words, for the diagram's screen-reader name."""
        separator = pgettext("list separator", ", ")
        taken = separator.join(f"{s.name} ({s.outcome})" for s in self.steps())
        return _("Steps taken: %(steps)s. %(ending)s") % {"steps": taken, "ending": self.ending()}
