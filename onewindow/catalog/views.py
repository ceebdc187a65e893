"""The public portal: browsing and searching the catalog, service guides, life events
and the online-breadth figures.

Each view parses its GET parameters, calls ``queries`` (and ``services.count_view``
for a guide) and renders. Shaping that the API shares lives in ``presenters``; what is
here only turns codes into the links and labels a page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from onewindow.cases.application_views import application_page
from onewindow.cases.signed_out import login_keeping_answers
from onewindow.catalog import event_plan, presenters, queries, services
from onewindow.catalog.choices import Audience, Channel, OnlineLevel
from onewindow.catalog.models import LifeEvent, ServiceItemVersion
from onewindow.core.paging import Paginator

SEARCH_PAGE_SIZE = 20
BROWSE_PAGE_SIZE = 50
MAX_QUERY_LENGTH = 100

# What each online depth means for the person applying (shown on guides and on the
# breadth page, so both explain a level the same way).
LEVEL_EXPLANATIONS: dict[int, Promise] = {
    OnlineLevel.INFORMATION: _("The guide is published online; you apply in person at an office."),
    OnlineLevel.FORMS: _(
        "You can download the application forms and fill them in before going to an office."
    ),
    OnlineLevel.SUBMISSION: _(
        "You can submit the application and materials online; you may still need to visit "
        "an office, for example to show originals or collect the result."
    ),
    OnlineLevel.PROCESSING: _(
        "You apply online and the department processes it online; the result is posted to "
        "you or issued as an electronic certificate."
    ),
    OnlineLevel.FULLY_ONLINE: _(
        "Everything is done online, from application to result: no visit is needed."
    ),
}


def _levels() -> list[dict[str, Any]]:
    return [
        {"value": level.value, "label": level.label, "explanation": LEVEL_EXPLANATIONS[level]}
        for level in OnlineLevel
    ]


def _english() -> bool:
    return get_language() == "en"


# --- filters and facet links ----------------------------------------------------------


@dataclass(frozen=True)
class PortalFilters:
    """The filters of the browse and search pages, as given in the query string.

    Unknown audiences and levels are dropped; department and topic codes are passed
    on as given (an unknown code simply matches nothing).
    """

    department: str = ""
    topic: str = ""
    audience: str = ""
    level: int | None = None

    @classmethod
    def from_request(cls, request: HttpRequest) -> PortalFilters:
        audience = request.GET.get("audience", "")
        level = _integer(request.GET.get("level"))
        return cls(
            department=request.GET.get("department", "").strip()[:32],
            topic=request.GET.get("topic", "").strip()[:40],
            audience=audience if audience in Audience.values else "",
            level=level if level in OnlineLevel.values else None,
        )

    def value(self, name: str) -> str:
        current = getattr(self, name)
        return "" if current is None else str(current)

    def toggled(self, name: str, value: str) -> PortalFilters:
        """These filters with ``name`` set to ``value``, or cleared if it already is."""
        params = self.params()
        if params.get(name) == value:
            del params[name]
        else:
            params[name] = value
        return PortalFilters(
            department=params.get("department", ""),
            topic=params.get("topic", ""),
            audience=params.get("audience", ""),
            level=int(params["level"]) if "level" in params else None,
        )

    def params(self) -> dict[str, str]:
        return {
            name: self.value(name)
            for name in ("department", "topic", "audience", "level")
            if self.value(name)
        }

    def __bool__(self) -> bool:
        return bool(self.params())


def _integer(raw: str | None, default: int | None = None) -> int | None:
    try:
        return int(raw) if raw else default
    except ValueError:
        return default


@dataclass(frozen=True)
class FacetOption:
    label: str
    count: int | None
    selected: bool
    url: str


@dataclass(frozen=True)
class FacetGroup:
    name: str
    title: str
    options: list[FacetOption]


FACET_TITLES = {
    "audience": _("For"),
    "department": _("Department"),
    "topic": _("Topic"),
    "level": _("Online service"),
}


def _url(base: str, params: dict[str, str]) -> str:
    return f"{base}?{urlencode(params)}" if params else base


def _filter_labels(departments: Any, topics: Any) -> dict[str, dict[str, str]]:
    """The label of every filter value, in the active language."""
    language = get_language()
    return {
        "audience": {value: str(label) for value, label in Audience.choices},
        "department": {d.code: d.display_name(language) for d in departments},
        "topic": {t.code: (t.name_en or t.name) if language == "en" else t.name for t in topics},
        "level": {str(value): str(label) for value, label in OnlineLevel.choices},
    }


def _facet_groups(
    *,
    base: str,
    filters: PortalFilters,
    keep: dict[str, str],
    labels: dict[str, dict[str, str]],
    counts: dict[str, dict[str, int | None]],
) -> list[FacetGroup]:
    """One group per filter; each option links to the page with that filter toggled.

    ``counts`` maps a filter name to its values (in display order) and their counts;
    ``keep`` holds the other query parameters to carry along (the search words).
    """
    groups = []
    for name, title in FACET_TITLES.items():
        options = [
            FacetOption(
                labels[name].get(value, value),
                count,
                filters.value(name) == value,
                _url(base, {**keep, **filters.toggled(name, value).params()}),
            )
            for value, count in counts.get(name, {}).items()
        ]
        if options:
            groups.append(FacetGroup(name, str(title), options))
    return groups


def _active_filters(
    *, base: str, filters: PortalFilters, keep: dict[str, str], labels: dict[str, dict[str, str]]
) -> list[FacetOption]:
    """The filters in use, each with a link removing it (shown even when no result is
    left to offer that filter as a facet)."""
    return [
        FacetOption(
            labels[name].get(value, value),
            None,
            True,
            _url(base, {**keep, **filters.toggled(name, value).params()}),
        )
        for name, value in filters.params().items()
    ]


def _in_choice_order(choices: Any, counts: dict[str, int]) -> dict[str, int | None]:
    return {str(v): counts[str(v)] for v in choices.values if str(v) in counts}


# --- pages ----------------------------------------------------------------------------


def browse(request: HttpRequest) -> HttpResponse:
    """Every published item, filtered by department, topic, audience or online level."""
    filters = PortalFilters.from_request(request)
    departments = list(queries.departments_with_items())
    topics = list(queries.topics())
    items = queries.items_filtered(
        department=filters.department,
        topic=filters.topic,
        audience=filters.audience,
        level=filters.level,
    )
    page = Paginator(items, BROWSE_PAGE_SIZE).get_page(request.GET.get("page"))
    base = reverse("catalog:browse")
    labels = _filter_labels(departments, topics)
    # Each option counts what its link would list, the other filters kept; an option
    # that would list nothing is left out unless it is the one in use.
    found = queries.facet_counts(
        department=filters.department,
        topic=filters.topic,
        audience=filters.audience,
        level=filters.level,
    )

    def offered(name: str, values: list[str]) -> dict[str, int | None]:
        return {
            value: found[name].get(value, 0)
            for value in values
            if found[name].get(value) or filters.value(name) == value
        }

    counts: dict[str, dict[str, int | None]] = {
        "audience": offered("audience", list(Audience.values)),
        "department": offered("department", [d.code for d in departments]),
        "topic": offered("topic", [t.code for t in topics]),
        "level": offered("level", [str(v) for v in OnlineLevel.values]),
    }
    return render(
        request,
        "catalog/browse.html",
        {
            "page": page,
            "rows": [
                {"item": item, "applies_online": queries.takes_applications(item.published)}
                for item in page.object_list
            ],
            "filters": filters,
            "facets": _facet_groups(
                base=base, filters=filters, keep={}, labels=labels, counts=counts
            ),
            "active_filters": _active_filters(base=base, filters=filters, keep={}, labels=labels),
            "clear_url": base,
            "page_params": urlencode(filters.params()),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    filters = PortalFilters.from_request(request)
    context: dict[str, Any] = {"q": query, "filters": filters}
    if not query:
        return render(request, "catalog/search.html", context)
    offset = max(_integer(request.GET.get("offset"), 0) or 0, 0)
    result = queries.search(
        query,
        audience=filters.audience,
        department=filters.department,
        topic=filters.topic,
        level=filters.level,
        limit=SEARCH_PAGE_SIZE,
        offset=offset,
    )
    base, keep = reverse("catalog:search"), {"q": query}
    if offset and offset >= result.total:
        # A page past the end (the catalog changed, or a hand-made link): start over.
        return redirect(_url(base, {**keep, **filters.params()}))
    topics = list(queries.topics_with_counts())  # the page lists those with items
    labels = _filter_labels(queries.departments_with_items(), topics)
    facets = result.facets
    counts: dict[str, dict[str, int | None]] = {
        "audience": _in_choice_order(Audience, facets.get("audience", {})),
        "department": dict(facets.get("department", {})),
        "topic": dict(facets.get("topic", {})),
        "level": _in_choice_order(OnlineLevel, facets.get("online_level", {})),
    }
    # Life events carry an audience but no other facet: filter them by that only. They
    # head the first page only: repeated above every page, they pushed its results down.
    events = (
        [
            hit.document
            for hit in result.events
            if not filters.audience or hit.document.facets["audience"] == filters.audience
        ]
        if offset == 0
        else []
    )
    here = {**keep, **filters.params()}
    previous = max(offset - SEARCH_PAGE_SIZE, 0)
    following = offset + SEARCH_PAGE_SIZE
    context.update(
        {
            "hits": [
                {**hit, "level_label": OnlineLevel(hit["online_level"]).label}
                for hit in map(presenters.search_hit, result.hits)
            ],
            "events": events,
            "total": result.total,
            "expanded": result.expanded,
            "facets": _facet_groups(
                base=base, filters=filters, keep=keep, labels=labels, counts=counts
            ),
            "active_filters": _active_filters(base=base, filters=filters, keep=keep, labels=labels),
            "clear_url": _url(base, keep),
            "first": offset + 1,
            # For the title, each page's own: one more than the steps the previous links
            # take back to the first page (an offset off the grid, 5, is page 2).
            "page_number": -(-offset // SEARCH_PAGE_SIZE) + 1,
            "last": min(following, result.total),
            "previous_url": _url(base, {**here, "offset": str(previous)}) if offset > 0 else "",
            "next_url": _url(base, {**here, "offset": str(following)})
            if following < result.total
            else "",
            "topics": [t for t in topics if t.items],  # type: ignore[attr-defined]
        }
    )
    return render(request, "catalog/search.html", context)


def _published_or_404(code: str) -> ServiceItemVersion:
    try:
        return queries.published_version(code)
    except ServiceItemVersion.DoesNotExist as exc:
        raise Http404(_("No such service item.")) from exc


def item(request: HttpRequest, code: str) -> HttpResponse:
    """The service guide (办事指南): every field of the published version."""
    version = _published_or_404(code)
    services.count_view(code)
    applies_online = queries.takes_applications(version)
    # Until the item takes applications here, the portal and the app are no way to apply.
    closed = set() if applies_online else {Channel.ONLINE, Channel.MOBILE}
    events = list(version.item.events.all())
    return render(
        request,
        "catalog/item.html",
        {
            "version": version,
            "item": version.item,
            "events": events,
            "channels": [
                Channel(c).label
                for c in version.channels
                if c in Channel.values and c not in closed
            ],
            "level_explanation": LEVEL_EXPLANATIONS.get(version.online_level, ""),
            "applies_online": applies_online,
            # Handled all the same within another application of a life event's.
            "covered": event_plan.covering(version.item) if events and not applies_online else [],
            # Declared online by its level, but not connected to the case system yet.
            "not_open_yet": not applies_online and version.online_level >= OnlineLevel.SUBMISSION,
            "apply_url": reverse("catalog:apply", args=[code]),
        },
    )


@login_keeping_answers
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The online application for an item that takes applications (its published
    version has a form and a process); for one declared online (level 3 and above) that
    does not yet, a page saying how to apply instead; otherwise back to the guide."""
    version = _published_or_404(code)
    context = {"version": version, "item": version.item}
    if not queries.takes_applications(version):
        if version.online_level < OnlineLevel.SUBMISSION:
            return redirect("catalog:item", code=code)
        return render(request, "catalog/apply.html", {**context, "has_form": False})
    return application_page(
        request,
        service=code,
        definition=version.form,
        template="catalog/apply.html",
        context=context,
        audience=version.audience,
    )


def life_events(request: HttpRequest) -> HttpResponse:
    events = list(queries.life_events())
    return render(
        request,
        "catalog/events.html",
        {
            "people": [e for e in events if e.audience == Audience.PERSON],
            "companies": [e for e in events if e.audience == Audience.COMPANY],
        },
    )


def life_event(request: HttpRequest, code: str) -> HttpResponse:
    """一件事: the steps in order, what each waits for, which of them one online
    application covers (``event_plan``), and the time if done in turn."""
    try:
        event = queries.life_event(code)
    except LifeEvent.DoesNotExist as exc:
        raise Http404(_("No such life event.")) from exc
    plan = event_plan.plan(event)
    steps = plan.steps
    by_pk = {step.pk: step for step in steps}
    departments = list({step.item.department.code: step.item.department for step in steps}.values())
    # Dependencies are steps of this event: take them from ``steps``, which carry their
    # published versions, instead of querying each one.
    rows = [
        {
            "step": step,
            "version": step.item.published,
            "after": [by_pk[d.pk] for d in step.depends_on.all() if d.pk in by_pk],
            "applies_online": step.pk in plan.own,
            # The step whose application handles this one, or the event's whole process.
            "within": plan.within.get(step.pk),
            "within_event": plan.within.get(step.pk) == event_plan.WHOLE_EVENT,
        }
        for step in steps
    ]
    return render(
        request,
        "catalog/event.html",
        {
            "event": event,
            "steps": rows,
            # The event's one application covers the steps that take applications and
            # those its processes handle.
            "online_steps": plan.online,
            "handled_within": bool(plan.within),
            "departments": departments,
            "total_days": plan.total_days,
        },
    )


def _breadth_row(breadth: queries.Breadth, **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "items": breadth.items,
        "submit_online": breadth.submit_online,
        "fully_online": breadth.fully_online,
        "applications": breadth.applications,
        "submit_online_percent": round(breadth.submit_online_share * 100, 1),
        "fully_online_percent": round(breadth.fully_online_share * 100, 1),
        "applications_percent": round(breadth.applications_share * 100, 1),
    }


def breadth(request: HttpRequest) -> HttpResponse:
    """网办深度: the share of published items that take applications online now, and of
    those whose departments declare them online (L3+) and zero-visit (L5)."""
    data = queries.breadth()
    english = _english()
    return render(
        request,
        "catalog/breadth.html",
        {
            "overall": _breadth_row(data["overall"]),
            "departments": [
                _breadth_row(
                    row["breadth"],
                    code=row["department"],
                    name=(row["name_en"] or row["name"]) if english else row["name"],
                )
                for row in data["departments"]
            ],
            "audiences": [
                _breadth_row(data["audiences"][value], code=value, name=label)
                for value, label in Audience.choices
            ],
            "levels": _levels(),
        },
    )
