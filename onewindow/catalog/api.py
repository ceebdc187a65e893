"""Public catalog endpoints: search, items, departments' breadth, topics, life events."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from onewindow.catalog import presenters, queries
from onewindow.catalog.models import LifeEvent, ServiceItemVersion
from onewindow.catalog.schemas import (
    CityBreadthOut,
    ItemOut,
    ItemSummaryOut,
    LifeEventOut,
    SearchOut,
    TopicOut,
)
from onewindow.core import paging
from onewindow.core.errors import NotFound

router = Router(tags=["catalog"], auth=None)

SEARCH_MAX_LIMIT = 100


class SearchParams(Schema):
    q: str
    audience: str = ""
    department: str = ""
    topic: str = ""
    level: int | None = None
    limit: int = Field(20, ge=1, le=SEARCH_MAX_LIMIT, description="Results per page")
    offset: int = Field(0, ge=0, le=paging.MAX_OFFSET, description="Results to skip")


class ListParams(Schema):
    audience: str = ""
    department: str = ""
    topic: str = ""
    level: int | None = None


@router.get(
    "/search",
    response=SearchOut,
    summary="Search services in everyday words",
    operation_id="catalog_search",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Chinese, pinyin, initials, English and small typos; items and life events, with
    the matches highlighted. ``limit`` is at most 100; a value out of range is a 422,
    as on the other lists."""
    result = queries.search(
        params.q[:100],
        audience=params.audience,
        department=params.department,
        topic=params.topic,
        level=params.level,
        limit=params.limit,
        offset=params.offset,
    )
    return presenters.search_result(result)


@router.get(
    "/items",
    response=list[ItemSummaryOut],
    summary="Published service items",
    openapi_extra=paging.TOTAL_IN_SCHEMA,
    operation_id="items_list",
)
def list_items(
    request: HttpRequest,
    response: HttpResponse,
    params: Query[ListParams],
    page: Query[paging.PageIn],
) -> list[dict[str, Any]]:
    """All of them, or those of an audience, department, topic or online level, by
    code, a page at a time (``limit``, ``offset``; the total in ``X-Total-Count``)."""
    items = queries.items_filtered(
        department=params.department,
        topic=params.topic,
        audience=params.audience,
        level=params.level,
    )
    shown = paging.page_of(items, page, response)
    return [presenters.item_summary(i.published) for i in shown if i.published]


@router.get(
    "/items/{code}",
    response=ItemOut,
    summary="A service guide (published version)",
    operation_id="items_get",
)
def get_item(request: HttpRequest, code: str) -> dict[str, Any]:
    """Its 办事指南: conditions, materials, time limits, fees, channels, offices, FAQ."""
    try:
        version = queries.published_version(code)
    except ServiceItemVersion.DoesNotExist as exc:
        raise NotFound(_("No such service item.")) from exc
    return presenters.item_detail(version)


@router.get(
    "/breadth",
    response=CityBreadthOut,
    summary=(
        "Online breadth: share of items declared L3+ and L5 and of those taking applications "
        "online now, overall, by department and audience"
    ),
    operation_id="catalog_breadth",
)
def breadth(request: HttpRequest) -> dict[str, Any]:
    """The figures of the public page ``/services/breadth/``."""
    data = queries.breadth()
    return {
        "overall": data["overall"].as_dict(),
        "departments": [{**d, "breadth": d["breadth"].as_dict()} for d in data["departments"]],
        "audiences": {k: v.as_dict() for k, v in data["audiences"].items()},
    }


@router.get(
    "/topics",
    response=list[TopicOut],
    summary="Topics with their item counts",
    operation_id="topics_list",
)
def topics(request: HttpRequest) -> list[dict[str, Any]]:
    """Each topic's published items counted, for browsing by topic."""
    return [
        {"code": t.code, "name": t.name, "name_en": t.name_en, "items": t.items}  # type: ignore[attr-defined]
        for t in queries.topics_with_counts()
    ]


@router.get(
    "/life-events",
    response=list[LifeEventOut],
    summary="Life events (一件事)",
    operation_id="life_events_list",
)
def list_life_events(request: HttpRequest, audience: str = "") -> list[dict[str, Any]]:
    """All of them, or those of one audience, each with its ordered steps."""
    return [presenters.life_event_detail(e) for e in queries.life_events(audience)]


@router.get(
    "/life-events/{code}",
    response=LifeEventOut,
    summary="A life event with its ordered steps",
    operation_id="life_events_get",
)
def get_life_event(request: HttpRequest, code: str) -> dict[str, Any]:
    """Each step names its service item, the item's department and the steps it waits
    for."""
    try:
        return presenters.life_event_detail(queries.life_event(code))
    except LifeEvent.DoesNotExist as exc:
        raise NotFound(_("No such life event.")) from exc
