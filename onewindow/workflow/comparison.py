"""What changed between a process version and the one before it, for the version's page:
the lanes and steps added or removed, each kept step's name, lane, decisions offered and
time limit, the sequence flows' conditions (which route a case takes), the decision
tables and platform functions called, and which files differ. An admin binding items to
the new version reads what it changes for the departments."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from lxml import etree

from onewindow.workflow import library, queries
from onewindow.workflow.bundle import BPMN, parse_xml
from onewindow.workflow.engine import ProcessError
from onewindow.workflow.library import Outline, StepRow
from onewindow.workflow.models import ProcessDefinition


@dataclass(frozen=True)
class StepChange:
    step: StepRow  # as the newer version has it
    what: list[str]  # each change in words: "Time limit: 3 → 5 working days"


@dataclass(frozen=True)
class ConditionChange:
    """A sequence flow's condition, as the older and the newer version have it ("" for
    none: the flow is not there, or taken without a condition)."""

    bpmn_id: str
    name: str  # the flow's name in the diagram, or its id
    name_en: str
    old: str
    new: str


@dataclass
class Changes:
    lanes_added: list[str] = field(default_factory=list)
    lanes_removed: list[str] = field(default_factory=list)
    steps_added: list[StepRow] = field(default_factory=list)
    steps_removed: list[StepRow] = field(default_factory=list)
    steps_changed: list[StepChange] = field(default_factory=list)
    conditions_changed: list[ConditionChange] = field(default_factory=list)
    decisions_added: list[str] = field(default_factory=list)
    decisions_removed: list[str] = field(default_factory=list)
    functions_added: list[str] = field(default_factory=list)
    functions_removed: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)

    @property
    def routing_unchanged(self) -> bool:
        """Same lanes, steps, conditions, decision tables and functions (the rules in
        the decision tables may still differ: ``files_changed`` says which files do)."""
        return not (
            self.lanes_added
            or self.lanes_removed
            or self.steps_added
            or self.steps_removed
            or self.steps_changed
            or self.conditions_changed
            or self.decisions_added
            or self.decisions_removed
            or self.functions_added
            or self.functions_removed
        )


def _days(days: int | None) -> str:
    return str(days) if days else "—"


def _step_changes(old: StepRow, new: StepRow) -> list[str]:
    what = []
    if old.name != new.name:
        what.append(_("Name: %(old)s → %(new)s") % {"old": old.name, "new": new.name})
    if old.lane != new.lane:
        what.append(_("Lane: %(old)s → %(new)s") % {"old": old.lane, "new": new.lane})
    if old.outcome_labels != new.outcome_labels:
        separator = pgettext("list separator", ", ")  # 、 in Chinese, as the pages list
        what.append(
            _("Decisions offered: %(old)s → %(new)s")
            % {"old": separator.join(old.outcome_labels), "new": separator.join(new.outcome_labels)}
        )
    if old.time_limit_days != new.time_limit_days:
        what.append(
            _("Time limit (working days): %(old)s → %(new)s")
            % {"old": _days(old.time_limit_days), "new": _days(new.time_limit_days)}
        )
    return what


def _added_removed(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    return [n for n in new if n not in old], [o for o in old if o not in new]


def compare(
    older: Outline,
    newer: Outline,
    older_files: dict[str, str],
    newer_files: dict[str, str],
) -> Changes:
    """``*_files``: file name → text, the BPMN file under "" and each DMN by its name."""
    changes = Changes()
    changes.lanes_added, changes.lanes_removed = _added_removed(
        [lane.name for lane in older.lanes], [lane.name for lane in newer.lanes]
    )
    old_steps = {step.bpmn_id: step for step in older.steps}
    new_steps = {step.bpmn_id: step for step in newer.steps}
    changes.steps_added = [step for key, step in new_steps.items() if key not in old_steps]
    changes.steps_removed = [step for key, step in old_steps.items() if key not in new_steps]
    for key, step in new_steps.items():
        if key in old_steps and (what := _step_changes(old_steps[key], step)):
            changes.steps_changed.append(StepChange(step, what))
    changes.conditions_changed = _condition_changes(
        older_files.get("", ""), newer_files.get("", "")
    )
    changes.decisions_added, changes.decisions_removed = _added_removed(
        older.decisions, newer.decisions
    )
    changes.functions_added, changes.functions_removed = _added_removed(
        older.functions, newer.functions
    )
    for name in sorted({*older_files, *newer_files}):
        if older_files.get(name) != newer_files.get(name):
            changes.files_changed.append(name or _("BPMN file"))
    return changes


@dataclass(frozen=True)
class _Flow:
    name: str
    name_en: str
    condition: str


def _flows(bpmn_xml: str) -> dict[str, _Flow]:
    """Each sequence flow of the file by id (subprocesses' too), with its condition."""
    try:
        root = parse_xml(bpmn_xml)
    except etree.XMLSyntaxError:  # stored versions were read at upload: not expected
        return {}
    flows = {}
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        condition = flow.find(f"{{{BPMN}}}conditionExpression")
        name_en = next((p.get("value", "") for p in flow.iter() if p.get("name") == "name_en"), "")
        flows[flow.get("id", "")] = _Flow(
            name=flow.get("name") or flow.get("id", ""),
            name_en=name_en,
            condition=" ".join((condition.text or "").split()) if condition is not None else "",
        )
    return flows


def _condition_changes(older_xml: str, newer_xml: str) -> list[ConditionChange]:
    """Conditions written, rewritten or removed, flow by flow in the newer file's order
    (then the flows only the older had); a flow added or removed without a condition is
    not one (the steps and lanes tell of the route)."""
    older, newer = _flows(older_xml), _flows(newer_xml)
    changed = []
    for flow_id in [*newer, *(f for f in older if f not in newer)]:
        old = older[flow_id].condition if flow_id in older else ""
        new = newer[flow_id].condition if flow_id in newer else ""
        if old != new:
            shown = newer.get(flow_id) or older[flow_id]
            changed.append(ConditionChange(flow_id, shown.name, shown.name_en, old, new))
    return changed


def previous_of(
    versions: list[ProcessDefinition], shown: ProcessDefinition
) -> ProcessDefinition | None:
    """The version before ``shown`` among ``versions`` (newest first), if any."""
    return next((v for v in versions if v.version < shown.version), None)


def _files(definition: ProcessDefinition) -> dict[str, str]:
    return {"": definition.bpmn_xml, **definition.dmn_files}


def from_previous(
    previous: ProcessDefinition, shown: ProcessDefinition, outline: Outline | None
) -> Changes | None:
    """What ``shown`` (whose ``outline`` the page has read) changes from ``previous``;
    None where either no longer loads. ``previous`` is read again once, with its files,
    which its outline and the files' comparison both use."""
    if outline is None:
        return None
    older = queries.definition_version(previous.key, previous.version)
    try:
        older_outline = library.outline(older)
    except ProcessError:
        return None
    return compare(older_outline, outline, _files(older), _files(shown))
