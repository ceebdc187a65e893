"""Long lists a page at a time.

In the API: ``limit`` and ``offset`` query parameters, and the length of the whole list
in the ``X-Total-Count`` header; the lists stay JSON arrays (what integrations already
read), and a client pages on until ``offset`` reaches the total. Pages (the inbox, my
cases) use Django's paginator over the ids. Either way a page is chosen by its ids and
only its rows are read whole (``in_order``); the query set must have a stable order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core import paginator
from django.core.paginator import Page
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from ninja import Field, Schema

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Far past any list's end, and small enough that offset + limit stays a number the
# database takes (PostgreSQL's OFFSET is a 64-bit integer; a larger one was a 500).
MAX_OFFSET = 1_000_000_000
TOTAL_HEADER = "X-Total-Count"

Row = TypeVar("Row", bound=Model)


# For the operations' ``openapi_extra``: the header in the schema beside the list.
TOTAL_IN_SCHEMA = {
    "responses": {
        200: {
            "headers": {
                TOTAL_HEADER: {
                    "description": "How many rows the whole list has",
                    "schema": {"type": "integer"},
                }
            }
        }
    }
}


class Paginator(paginator.Paginator):
    """Django's, for the site's pages, except that a page number below 1 (``?page=0``)
    is the first page: Django gives the last for any number out of range, which fits
    one past the end only."""

    def get_page(self, number: Any) -> Page:
        try:
            if int(number) < 1:
                number = 1
        except (TypeError, ValueError):
            pass  # not a number: Django's first page
        return super().get_page(number)


class PageIn(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip")


def page_of(rows: QuerySet[Row], page: PageIn, response: HttpResponse) -> list[Row]:
    """One page of ``rows``; their total goes in the response's header."""
    response[TOTAL_HEADER] = str(rows.count())
    ids = rows.values_list("pk", flat=True)[page.offset : page.offset + page.limit]
    return in_order(rows, list(ids))


Item = TypeVar("Item")


def page_of_list(rows: Sequence[Item], page: PageIn, response: HttpResponse) -> list[Item]:
    """``page_of`` for a list already read (one that only Python could filter)."""
    response[TOTAL_HEADER] = str(len(rows))
    return list(rows[page.offset : page.offset + page.limit])


def page_by_ids(rows: QuerySet[Row], size: int, number: Any) -> tuple[Page[int], list[Row]]:
    """Page ``number`` (as the request gives it: ``Paginator`` turns a bad one into the
    first, or one past the end into the last) of ``rows`` for a page of the site: the page of ids,
    for its links, and its rows."""
    page = Paginator(rows.values_list("pk", flat=True), size).get_page(number)
    return page, in_order(rows, list(page.object_list))


def in_order(rows: QuerySet[Row], ids: Sequence[int]) -> list[Row]:
    """The rows of ``rows`` with these ids, in the ids' order, with all that ``rows``
    joins and prefetches.

    Choose a page by its ids (``rows.values_list("pk", flat=True)``, sliced), then read
    only its rows whole: asked for whole rows at once, PostgreSQL joined every row of
    the list before sorting it (the inbox: 26 ms for the first 50 of 1,228 open tasks,
    against 1.5 ms for their ids).
    """
    found = {row.pk: row for row in rows.filter(pk__any=ids)}
    return [found[pk] for pk in ids if pk in found]
