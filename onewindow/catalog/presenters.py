"""Shaping catalog objects for the API and the pages (one place, so both agree)."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from onewindow.catalog.models import LIFE_EVENT_FIELDS, LifeEvent, ServiceItemVersion
from onewindow.catalog.queries import takes_applications
from onewindow.catalog.search import engine
from onewindow.catalog.transfer import version_as_dict


def highlighted_html(text: str, matched: list[str]) -> str:
    """Escaped text with matches wrapped in <mark>."""
    return "".join(
        f"<mark>{escape(piece)}</mark>" if hit else escape(piece)
        for piece, hit in engine.highlight(text, matched)
    )


def search_hit(hit: engine.Hit) -> dict[str, Any]:
    document = hit.document
    return {
        "code": document.key,
        "name": document.name,
        "name_en": document.name_en,
        "department": document.facets["department"],
        "department_name": document.payload["department_name"],
        "department_name_en": document.payload["department_name_en"],
        "audience": document.facets["audience"],
        "online_level": document.facets["online_level"],
        "applies_online": document.payload["applies_online"],
        "topics": document.facets["topic"],
        "summary": document.payload["summary"],
        "summary_en": document.payload["summary_en"],
        "promised_limit_days": document.payload["promised_limit_days"],
        "max_visits": document.payload["max_visits"],
        "highlight": highlighted_html(document.name, hit.matched),
        "highlight_en": highlighted_html(document.name_en, hit.matched),
        "score": round(hit.score, 3),
    }


def search_result(result: engine.Result) -> dict[str, Any]:
    return {
        "results": [search_hit(h) for h in result.hits],
        "total": result.total,
        "events": [
            {"code": h.document.key, "name": h.document.name, "name_en": h.document.name_en}
            for h in result.events
        ],
        "facets": result.facets,
        "synonyms_used": result.expanded,
    }


def item_summary(version: ServiceItemVersion) -> dict[str, Any]:
    return {
        "code": version.item.code,
        "name": version.name,
        "name_en": version.name_en,
        "department": version.item.department.code,
        "audience": version.audience,
        "kind": version.kind,
        "online_level": version.online_level,
        "applies_online": takes_applications(version),
        "promised_limit_days": version.promised_limit_days,
        "max_visits": version.max_visits,
    }


def item_detail(version: ServiceItemVersion) -> dict[str, Any]:
    return {
        **version_as_dict(version),
        "version": version.number,
        "applies_online": takes_applications(version),
        "department_name": version.item.department.name,
        "published_at": version.published_at,
    }


def life_event_detail(event: LifeEvent) -> dict[str, Any]:
    steps = list(event.steps.all())
    departments: list[str] = []
    for step in steps:
        if step.item.department.code not in departments:
            departments.append(step.item.department.code)
    return {
        **{name: getattr(event, name) for name in LIFE_EVENT_FIELDS},
        "departments": departments,
        "steps": [
            {
                "order": s.order,
                "item": s.item.code,
                "name": s.item.published.name if s.item.published else s.item.code,
                "name_en": s.item.published.name_en if s.item.published else s.item.code,
                "department": s.item.department.code,
                "depends_on": [d.item.code for d in s.depends_on.all()],
                "note": s.note,
                "note_en": s.note_en,
            }
            for s in steps
        ],
    }
