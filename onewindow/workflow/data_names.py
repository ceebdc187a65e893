"""The case data a process version reads: the names its conditions, scripts, service
task parameters, timers and decision tables use that neither the sandbox provides nor
the process sets itself (a script's assignments, a decision table's outputs, the
officers' ``outcome``). The trial page lists them so that an admin knows what sample data
to give, and names those a failed trial lacked; a version's page lists them for whoever
binds a form to it, whose answers must supply them.

Read from the stored files with the standard library's ``ast``; nothing is compiled or
run here (the sandbox checked every expression at upload). A script that reads a name
it also assigns counts it as its own, so the list can miss such a name: it is a guide,
not a guarantee.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.utils.translation import pgettext
from lxml import etree

from onewindow.workflow import decisions
from onewindow.workflow.bundle import BPMN, local_name, read_bundle, timer_expression
from onewindow.workflow.sandbox import SAFE_BUILTINS

# What a run's data holds without the applicant: the officers' decisions (set by the
# engine at each user task), the placeholder the DMN engine substitutes for "?".
ENGINE_NAMES = frozenset({"outcome", "outcomes", "dmninputexpr"})
SCRIPT_ELEMENTS = frozenset({"script", "preScript", "postScript"})
TIMER_ELEMENTS = frozenset({"timeDate", "timeDuration", "timeCycle"})


@dataclass(frozen=True)
class DataName:
    name: str
    label: str = ""  # a decision table input's label, where one names the value

    def __str__(self) -> str:
        if not self.label:
            return self.name
        return pgettext("data name and label", "%(name)s (%(label)s)") % vars(self)


@dataclass
class _Names:
    read: set[str]
    set_here: set[str]

    def add(self, source: str | None, mode: str) -> None:
        if not source or not source.strip():
            return
        try:
            tree = ast.parse(source.strip(), mode=mode)
        except SyntaxError:
            return  # refused at upload; nothing to learn from it
        read: set[str] = set()
        bound: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
        self.read |= read - bound
        if mode == "exec":
            self.set_here |= bound


def names_read(bpmn_xml: str, dmn_files: Mapping[str, str]) -> list[DataName]:
    """The case data ``bpmn_xml`` and its decision files read, sorted by name."""
    bpmn, dmn_roots = read_bundle(bpmn_xml, dmn_files)
    names = _Names(set(), set())
    for source, mode in _bpmn_sources(bpmn):
        names.add(source, mode)
    labels: dict[str, str] = {}
    for root in dmn_roots.values():
        for table in root.iter("{*}decisionTable"):
            for source, _element in decisions.entry_sources(table):
                names.add(source, "eval")
            for output in table.findall("{*}output"):
                names.set_here.add(output.get("name", ""))
            for entry in table.findall("{*}input"):
                text = (entry.findtext("{*}inputExpression/{*}text") or "").strip()
                if text.isidentifier() and entry.get("label"):
                    labels.setdefault(text, entry.get("label", ""))
    provided = ENGINE_NAMES | set(SAFE_BUILTINS) | names.set_here
    return [DataName(name, labels.get(name, "")) for name in sorted(names.read - provided)]


def _bpmn_sources(bpmn: etree._Element) -> Iterator[tuple[str | None, str]]:
    for element in bpmn.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        name = local_name(element)
        if name == "conditionExpression" and etree.QName(element).namespace == BPMN:
            yield element.text, "eval"
        elif name in SCRIPT_ELEMENTS:
            yield element.text, "exec"
        elif name in TIMER_ELEMENTS:
            yield timer_expression(element.text or ""), "eval"
        elif name == "parameter" and element.get("value") is not None:
            yield element.get("value"), "eval"
