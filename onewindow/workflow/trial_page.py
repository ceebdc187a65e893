"""A trial run as its back-office page shows it: each step taken with its department in
the reader's language and the decision it was given, and the ending in words
(``simulation.ending_text``: the page's table and the diagram's summary for screen
readers say the same, as does the API)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.core.language import is_english
from onewindow.workflow import simulation
from onewindow.workflow.data_names import DataName
from onewindow.workflow.forms import TrialForm
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.simulation import Ending, Trial


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
        return simulation.ending_text(self.definition, self.trial)

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
