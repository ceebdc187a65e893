"""Reading an uploaded bundle (one BPMN file and its DMN files) before any check:
safe XML parsing, problems that name the element at fault in the reader's language,
and the adjustments that make modelers' files readable by SpiffWorkflow. Shared by
``validation.py`` (BPMN), ``decisions.py`` (DMN) and ``engine.py``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from lxml import etree

from onewindow.workflow import sandbox

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# ISO 8601 dates, durations and repeating intervals, as Camunda Modeler writes timers
# (unquoted). SpiffWorkflow evaluates timers as Python, so these are quoted first.
ISO_TIMER = re.compile(r"^(R\d*/)?[P0-9][0-9PT:.+\-/WYMDHSZ]*$")


def _interpolate(message: Promise | str, params: dict[str, object]) -> str:
    return str(message) % params


# Keeps messages lazy: they come out in the language of whoever reads them.
_lazy_interpolate = lazy(_interpolate, str)


def msg(message: Promise | str, **params: object) -> Promise:
    return cast(Promise, _lazy_interpolate(message, params))


@dataclass(frozen=True)
class Problem:
    message: Promise | str
    element: str = ""
    element_id: str = ""
    source: str = ""  # the DMN file's name, or "" for the BPMN file


class BundleError(Exception):
    """The bundle cannot become a process; ``problems`` says why, element by element."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p.message) for p in problems))
        self.problems = problems


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(text: str) -> etree._Element:
    """Parse without entities, DTDs or network access (no XXE from an uploaded file)."""
    return etree.fromstring(text.encode("utf-8"), parser=_PARSER)


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def expression_problem(
    source: str | None, mode: str, element: etree._Element, *, file: str = ""
) -> Problem | None:
    """The problem with an expression (``mode`` "eval") or script ("exec") the sandbox
    refuses, naming the nearest element with an id; None when it compiles."""
    if not source or not source.strip():
        return None
    try:
        if mode == "eval":
            sandbox.compile_expression(source)
        else:
            sandbox.compile_script(source)
    except sandbox.SandboxError as exc:
        node: etree._Element | None = element
        while node is not None and not node.get("id"):
            node = node.getparent()
        element_id = node.get("id", "") if node is not None else ""
        message = msg(
            _("The expression in %(element)s %(id)s is refused: %(detail)s"),
            element=local_name(element),
            id=element_id,
            detail=str(exc),
        )
        return Problem(message, local_name(element), element_id, file)
    return None


def read_bundle(
    bpmn_xml: str, dmn_files: Mapping[str, str]
) -> tuple[etree._Element, dict[str, etree._Element]]:
    """The parsed BPMN file and DMN files; a ``BundleError`` names the one not well-formed."""
    source = ""  # which file is being read: "" is the BPMN file
    try:
        bpmn = parse_xml(bpmn_xml)
        dmn = {}
        for source, text in dmn_files.items():
            dmn[source] = parse_xml(text)
    except etree.XMLSyntaxError as exc:
        message = msg(_("The file is not well-formed XML: %(detail)s"), detail=str(exc))
        raise BundleError([Problem(message, source=source)]) from exc
    return bpmn, dmn


def timer_expression(text: str) -> str:
    text = text.strip()
    return repr(text) if ISO_TIMER.match(text) else text


def prepare_for_engine(bpmn: etree._Element) -> None:
    """Turn what the modelers write into what SpiffWorkflow reads, in the parsed copy
    only (the stored file stays as uploaded): ISO timer literals become Python strings,
    and bpmn.io's default isExecutable="false" is overridden, uploading the (single)
    process being the statement that it is meant to run."""
    for name in ("timeDate", "timeDuration", "timeCycle"):
        for element in bpmn.iter(f"{{{BPMN}}}{name}"):
            element.text = timer_expression(element.text or "")
    for process in bpmn.iter(f"{{{BPMN}}}process"):
        process.set("isExecutable", "true")
