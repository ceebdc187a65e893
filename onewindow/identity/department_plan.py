"""The department tree a file describes (``department_tree``), checked as a whole against
itself and the database before anything is written: one root, the city government;
kinds where they belong in the tree; no cycle; nothing moved, and no kind changed, of a
department stored already. What loading it would do is a ``TreePlan``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from onewindow.identity.department_tree import (
    KINDS,
    KINDS_UNDER,
    DepartmentFile,
    DepartmentRow,
    Problem,
    TreeRejected,
    is_code,
)
from onewindow.identity.models import Department, DepartmentKind


@dataclass
class TreePlan:
    """What loading the file does: the departments to create, parents first; those to
    update with each changed field as (stored, file); and those the file leaves as they
    are."""

    create: list[DepartmentRow] = field(default_factory=list)
    update: list[tuple[DepartmentRow, dict[str, tuple[str, str]]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def plan_tree(read: DepartmentFile) -> TreePlan:
    """Check the file's departments together and against the database; raise
    ``TreeRejected`` with every problem, the rows' own among them, if there is any."""
    problems = list(read.problems)
    rows: dict[str, DepartmentRow] = {}
    for row in read.rows:
        if not row.code:
            continue
        first = rows.get(row.code)
        if first is not None:
            problems.append(Problem.of(row, f"code {row.code} is also at {first.where}"))
        else:
            rows[row.code] = row
    # Only code-shaped parents are looked up: another was reported on its row.
    named = set(rows) | {row.parent for row in rows.values() if is_code(row.parent)}
    stored = {d.code: d for d in Department.objects.filter(code__in=named).select_related("parent")}
    for row in rows.values():
        known = row.parent in rows or row.parent in stored or row.parent in read.unread
        if is_code(row.parent) and row.parent != row.code and not known:
            message = f"unknown parent {row.parent}: in neither the file nor the database"
            problems.append(Problem.of(row, message))
        department = stored.get(row.code)
        if department is not None:
            problems.extend(_stored_problems(row, department))
    root = _root(rows)
    cycles = _cycles(rows)
    problems.extend(_root_problems(rows, root))
    # Where a cycle is, the kinds along it are not the problem to name.
    cyclic = {code for cycle in cycles for code in cycle}
    problems.extend(_kind_problems(rows, stored, root, cyclic))
    problems.extend(_cycle_problems(rows, cycles))
    if problems:
        # In the file's order, each row's together (a stable sort keeps their order).
        raise TreeRejected(sorted(problems, key=lambda problem: problem.order))
    plan = TreePlan()
    for row in _parents_first(rows):
        department = stored.get(row.code)
        if department is None:
            plan.create.append(row)
            continue
        changed = {
            name: (getattr(department, name), value)
            for name, value in row.values.items()
            if getattr(department, name) != value
        }
        if changed:
            plan.update.append((row, changed))
        else:
            plan.unchanged.append(row.code)
    return plan


def _stored_problems(row: DepartmentRow, department: Department) -> list[Problem]:
    """What the file would change of a stored department that the command does not:
    its parent (moving it changes who sees its work) or its kind (which says where it
    is and what may be under it)."""
    problems = []
    now = department.parent.code if department.parent else ""
    # One's own parent, or a parent not code-shaped, was reported on the row already.
    if now != row.parent and row.parent != row.code and (is_code(row.parent) or not row.parent):
        message = (
            f"is under {now or 'no parent (the root)'} in the database, not "
            f"{row.parent or 'at the root'}: bootstrap_city moves no department"
        )
        problems.append(Problem.of(row, message))
    kind = row.values.get("kind", "")
    if kind in KINDS and kind != department.kind:
        message = (
            f"is a {department.kind} in the database, not a {kind}: bootstrap_city "
            "changes no department's kind"
        )
        problems.append(Problem.of(row, message))
    return problems


def _root(rows: Mapping[str, DepartmentRow]) -> str:
    """The root's code: the database's, or else the file's first department without a
    parent; "" when neither has one."""
    stored = list(Department.objects.filter(parent=None).values_list("code", flat=True))
    roots = [*stored, *(code for code, row in rows.items() if not row.parent)]
    return roots[0] if roots else ""


def _root_problems(rows: Mapping[str, DepartmentRow], root: str) -> list[Problem]:
    """The tree has one root, the city: a second top-level department is a mistake
    (most often a parent left out), since what is at the root sees everything."""
    return [
        Problem.of(row, f"has no parent, but the tree has its root already: {root}")
        for code, row in rows.items()
        if not row.parent and code != root
    ]


def _kind_problems(
    rows: Mapping[str, DepartmentRow],
    stored: Mapping[str, Department],
    root: str,
    cyclic: set[str],
) -> list[Problem]:
    """Each new department whose kind does not fit where it is (``KINDS_UNDER``). A
    stored one keeps its place and its kind (``_stored_problems``); a kind the file
    does not know, or a parent of no known kind, was reported on its own row."""
    problems: list[Problem] = []
    for code, row in rows.items():
        kind = row.values.get("kind", "")
        if code in stored or code in cyclic or kind not in KINDS:
            continue
        if not row.parent:
            if code == root and kind != DepartmentKind.CITY:
                message = f"is the root, the city government: its kind is city, not {kind}"
                problems.append(Problem.of(row, message))
            continue  # a second root is reported as such
        parent = rows.get(row.parent)
        parent_kind = (
            parent.values.get("kind", "")
            if parent is not None
            else getattr(stored.get(row.parent), "kind", "")
        )
        if parent_kind not in KINDS or kind in KINDS_UNDER.get(parent_kind, ()):
            continue
        if kind == DepartmentKind.CITY:
            message = (
                "kind city is the root's alone, the city government: a department under "
                f"another is one of {', '.join(k for k in KINDS if k != kind)}"
            )
        elif parent_kind in KINDS_UNDER:
            message = (
                f"a {kind} cannot be under {row.parent}, a {parent_kind}: under a "
                f"{parent_kind} go {' and '.join(KINDS_UNDER[parent_kind])}"
            )
        else:
            message = (
                f"a {kind} cannot be under {row.parent}, a {parent_kind}: nothing goes "
                f"under a {parent_kind} (under the city go bureaus and districts, under "
                "a district its bureaus and streets)"
            )
        problems.append(Problem.of(row, message))
    return problems


def _cycle_problems(rows: Mapping[str, DepartmentRow], cycles: list[list[str]]) -> list[Problem]:
    """Each cycle of parents within the file, once, at its first department in the file."""
    problems: list[Problem] = []
    for cycle in cycles:
        first = cycle[0]
        if first != rows[first].parent:  # one's own parent is reported on its row
            message = "its parents form a cycle: " + " → ".join([*cycle, first])
            problems.append(Problem.of(rows[first], message))
    return problems


def _cycles(rows: Mapping[str, DepartmentRow]) -> list[list[str]]:
    """Each cycle of parents within the file, once, from its first department in the file."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in rows:
        trail: list[str] = []
        code = start
        while code in rows and code not in done and code not in trail:
            trail.append(code)
            code = rows[code].parent
        if code in trail:
            cycle = trail[trail.index(code) :]
            first = min(cycle, key=list(rows).index)
            at = cycle.index(first)
            cycles.append([*cycle[at:], *cycle[:at]])
        done.update(trail)
    return cycles


def _parents_first(rows: Mapping[str, DepartmentRow]) -> list[DepartmentRow]:
    """The rows, each after its parent when the parent is in the file: ``Department.save``
    builds a department's path from its parent's. (The file is known to be acyclic.)"""
    ordered: list[DepartmentRow] = []
    placed: set[str] = set()
    for code in rows:
        chain: list[str] = []
        while code in rows and code not in placed:
            chain.append(code)
            code = rows[code].parent
        for link in reversed(chain):
            placed.add(link)
            ordered.append(rows[link])
    return ordered
