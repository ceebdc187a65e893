"""The codes a guide names (its department, co-departments, topics, materials' source
departments), looked up; an unknown one is an error at its field."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import Topic
from onewindow.catalog.validation import CleanItem, Errors
from onewindow.identity.models import Department


@dataclass
class Resolved:
    department: Department
    co_departments: list[Department]
    topics: list[Topic]
    material_departments: dict[str, Department]


def resolve_references(item: CleanItem, errors: Errors) -> Resolved | None:
    """Look up every department and topic code the item names; unknown ones are errors.
    The item may be one that failed its own checks (``validation.read_item``): a
    department it lacks is reported there, and a material that is not an object has no
    code to look up."""
    codes = {item.department, *item.co_departments}
    codes |= {m["source_department"] for m in item.materials if m.get("source_department")}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    topics = {t.code: t for t in Topic.objects.filter(code__in=item.topics)}
    if item.department and item.department not in departments:
        errors.add("department", _("Unknown department code %(code)s.") % {"code": item.department})
    for code in item.co_departments:
        if code not in departments:
            errors.add("co_departments", _("Unknown department code %(code)s.") % {"code": code})
    for code in item.topics:
        if code not in topics:
            errors.add("topics", _("Unknown topic %(code)s.") % {"code": code})
    for index, material in enumerate(item.materials):
        source = material.get("source_department")
        if source and source not in departments:
            errors.add(
                f"materials[{index}].source_department",
                _("Unknown department code %(code)s.") % {"code": source},
            )
    if errors:
        return None
    return Resolved(
        department=departments[item.department],
        co_departments=[departments[c] for c in item.co_departments],
        topics=[topics[c] for c in item.topics],
        material_departments=departments,
    )
