"""Reading an uploaded bundle (one BPMN file and its DMN files) before any check:
safe XML parsing, problems that name the element at fault in the reader's language,
and the adjustments that make modelers' files readable by SpiffWorkflow. Shared by
``validation.py`` (BPMN), ``decisions.py`` (DMN) and ``engine.py``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from lxml import etree

from onewindow.core.language import is_english
from onewindow.workflow import sandbox

if TYPE_CHECKING:
    from onewindow.workflow.validation import BundleFacts

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
    # The name the element (or the step holding it) has in the modeler: what the
    # uploader sees on the canvas, where ids hide in the properties panel; and its
    # English one (its ``name_en`` property), if the file gives one.
    name: str = ""
    name_en: str = ""

    @property
    def shown_name(self) -> str:
        """The element's name in the reader's language, as the process's pages give it."""
        return self.name_en if self.name_en and is_english() else self.name


class BundleError(Exception):
    """The bundle cannot become a process; ``problems`` says why, element by element.

    ``facts`` is what its checks read of it all the same (its lanes above all), for the
    checks the caller makes against the database; None when the files were not read that
    far (not XML, not one BPMN process)."""

    def __init__(self, problems: list[Problem], *, facts: BundleFacts | None = None) -> None:
        super().__init__("; ".join(str(p.message) for p in problems))
        self.problems = problems
        self.facts = facts


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(text: str) -> etree._Element:
    """Parse without entities, DTDs or network access (no XXE from an uploaded file)."""
    return etree.fromstring(text.encode("utf-8"), parser=_PARSER)


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


# What the sandbox refuses (``sandbox.Refusal.kind``), said to whoever wrote the file;
# ``names`` lists what was refused. Clauses: ``expression_problem`` joins them.
_REFUSALS: dict[str, Promise] = {
    sandbox.FORBIDDEN_NAME: _("%(names)s cannot be used in process expressions"),
    sandbox.PRIVATE_NAME: _("names starting with “_” are not allowed (%(names)s)"),
    sandbox.INTERNAL_ATTRIBUTE: _(
        "attributes starting with “_” or internal to Python cannot be used (%(names)s)"
    ),
    sandbox.IMPORT: _("imports are not allowed (%(names)s)"),
    sandbox.WHILE_LOOP: _("while loops are not allowed: go through the data with for"),
    sandbox.CLASS_DEFINITION: _("class definitions are not allowed (%(names)s)"),
    sandbox.VARIADIC: _("functions taking *args or **kwargs are not allowed (%(names)s)"),
    sandbox.OTHER: _("this Python is not allowed in process expressions: %(names)s"),
}


def _refused_name(refusal: sandbox.Refusal, with_line: bool) -> str:
    quoted = f"“{refusal.name}”"
    if not with_line or refusal.line is None:
        return quoted
    return pgettext("a refused name and its line", "%(name)s on line %(line)d") % {
        "name": quoted,
        "line": refusal.line,
    }


def _refusal_clause(kind: str, refusals: list[sandbox.Refusal], with_line: bool) -> str:
    if kind == sandbox.SYNTAX:  # the parser stops at the first error
        first = refusals[0]
        if first.line is None:
            return gettext("this is not valid Python")
        if first.column is None:
            return gettext("this is not valid Python: there is a syntax error at line %(line)d") % {
                "line": first.line
            }
        return gettext(
            "this is not valid Python: there is a syntax error at line %(line)d, column %(column)d"
        ) % {"line": first.line, "column": first.column}
    if kind == sandbox.TOO_DEEP:
        line = refusals[0].line
        if with_line and line is not None:
            return gettext(
                "line %(line)d nests too deeply: at most %(levels)d levels of operators, "
                "brackets and calls within one another; split it into several steps"
            ) % {"line": line, "levels": sandbox.MAX_NESTING}
        return gettext(
            "it nests too deeply: at most %(levels)d levels of operators, brackets and "
            "calls within one another; split it into several steps"
        ) % {"levels": sandbox.MAX_NESTING}
    separator = pgettext("list separator", ", ")
    names = separator.join(dict.fromkeys(_refused_name(r, with_line) for r in refusals if r.name))
    return str(_REFUSALS.get(kind, _REFUSALS[sandbox.OTHER])) % {"names": names}


def _refusal_text(refusals: tuple[sandbox.Refusal, ...], with_line: bool) -> str:
    """The sandbox's refusals in the reader's language: one clause per kind of problem,
    naming what was refused (with its line, in a script of several lines)."""
    by_kind: dict[str, list[sandbox.Refusal]] = {}
    for refusal in refusals:
        by_kind.setdefault(refusal.kind, []).append(refusal)
    if not by_kind:
        return gettext("it uses Python that process expressions do not allow")
    clauses = [_refusal_clause(kind, found, with_line) for kind, found in by_kind.items()]
    return pgettext("separator of longer entries", "; ").join(clauses)


_lazy_refusal_text = lazy(_refusal_text, str)


def expression_problem(
    source: str | None, mode: str, element: etree._Element, *, file: str = ""
) -> Problem | None:
    """The problem with an expression (``mode`` "eval") or script ("exec") the sandbox
    refuses, naming the nearest element with an id; None when it compiles."""
    detail = refusal(source, mode)
    if detail is None:
        return None
    node: etree._Element | None = element
    while node is not None and not node.get("id"):
        node = node.getparent()
    element_id = node.get("id", "") if node is not None else ""
    message = msg(
        _("The expression in %(element)s %(id)s is refused: %(detail)s."),
        element=local_name(element),
        id=element_id,
        detail=detail,
    )
    return Problem(message, local_name(element), element_id, file)


# Camunda's expression languages, which a file drawn for Camunda carries: FEEL (Camunda
# 8 writes "= amount > 100") and JUEL (Camunda 7: "${amount > 100}").
_FEEL = re.compile(r"^\s*=")
_JUEL = re.compile(r"^\s*[$#]\{")


def refusal(source: str | None, mode: str) -> Promise | None:
    """Why the sandbox refuses an expression (``mode`` "eval") or script ("exec"), in
    the reader's language; None when it compiles. A FEEL or JUEL expression is named
    as such: "not valid Python" alone left Camunda users guessing."""
    if not source or not source.strip():
        return None
    try:
        if mode == "eval":
            sandbox.compile_expression(source)
        else:
            sandbox.compile_script(source)
    except sandbox.SandboxError as exc:
        if _FEEL.match(source) or _JUEL.match(source):
            return msg(
                _(
                    "it is written in %(language)s, which is not run here: expressions are "
                    "Python, e.g. amount > 100 or approved == True"
                ),
                language="FEEL" if _FEEL.match(source) else "JUEL",
            )
        # RestrictedPython's English (``str(exc)``) is left out: the refusals say it.
        return cast(Promise, _lazy_refusal_text(exc.refusals, len(source.strip().splitlines()) > 1))
    return None


def _not_well_formed(exc: etree.XMLSyntaxError, source: str) -> Problem:
    # lxml's own words are English; where it stopped is what the uploader needs.
    line, column = exc.position
    message = msg(
        _("The file is not well-formed XML (line %(line)d, column %(column)d)."),
        line=line,
        column=column,
    )
    return Problem(message, source=source)


# No modeler writes a document type; one declaring entities is how XML is made to read
# files or expand a billion times. The parser never resolves them (``parse_xml``), and
# a file holding one was refused as "not well-formed", which it was.
DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
DOCTYPE_REFUSED = _(
    "The file declares a document type (<!DOCTYPE …>), which process files may not: "
    "save it again from the modeler."
)


class _Doctype(ValueError):
    """A file declaring a document type."""


def _parse_file(text: str) -> etree._Element:
    if DOCTYPE.search(text):
        raise _Doctype
    return parse_xml(text)


def read_bundle(
    bpmn_xml: str, dmn_files: Mapping[str, str]
) -> tuple[etree._Element, dict[str, etree._Element]]:
    """The parsed BPMN file and DMN files; a ``BundleError`` names every one not
    well-formed (each is read on its own), the BPMN file first."""
    problems: list[Problem] = []
    bpmn = None
    try:
        bpmn = _parse_file(bpmn_xml)
    except etree.XMLSyntaxError as exc:
        problems.append(_not_well_formed(exc, ""))
    except _Doctype:
        problems.append(Problem(DOCTYPE_REFUSED))
    dmn = {}
    for source, text in dmn_files.items():
        try:
            dmn[source] = _parse_file(text)
        except etree.XMLSyntaxError as exc:
            problems.append(_not_well_formed(exc, source))
        except _Doctype:
            problems.append(Problem(DOCTYPE_REFUSED, source=source))
    if bpmn is None or problems:
        raise BundleError(problems)
    return bpmn, dmn


def with_names(
    problems: list[Problem],
    bpmn: etree._Element,
    dmn: Mapping[str, etree._Element],
    facts: BundleFacts | None = None,
) -> list[Problem]:
    """The problems, each with its element's name in the file it is about, and a BPMN
    element's English name where the checks read it (``facts``)."""
    names = {"": _names_by_id(bpmn)} | {source: _names_by_id(root) for source, root in dmn.items()}
    english = facts.names_en if facts is not None else {}
    return [
        replace(
            problem,
            name=names.get(problem.source, {}).get(problem.element_id, ""),
            name_en="" if problem.source else english.get(problem.element_id, ""),
        )
        for problem in problems
    ]


def _names_by_id(root: etree._Element) -> dict[str, str]:
    return {
        element.get("id", ""): " ".join((element.get("name") or "").split())
        for element in root.iter(etree.Element)
        if element.get("id") and (element.get("name") or "").strip()
    }


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
