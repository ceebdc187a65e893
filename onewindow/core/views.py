from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.catalog import queries as catalog_queries
from onewindow.catalog.choices import Audience
from onewindow.core import health as health_checks


def home(request: HttpRequest) -> HttpResponse:
    """The portal home: search, life events, popular services and ways to browse."""
    events = list(catalog_queries.life_events())
    return render(
        request,
        "core/home.html",
        {
            "person_events": [e for e in events if e.audience == Audience.PERSON],
            "company_events": [e for e in events if e.audience == Audience.COMPANY],
            "popular": catalog_queries.popular_items(),
            "departments": catalog_queries.departments_with_items(),
            "topics": [t for t in catalog_queries.topics_with_counts() if t.items],  # type: ignore[attr-defined]
            "audiences": Audience.choices,
        },
    )


def health(request: HttpRequest) -> HttpResponse:
    """``ok``, or ``degraded`` and a line per part that will fail soon. The status stays
    200 either way: the site still serves, and a 503 would take every web process out
    of the load balancer at once for a problem weeks away."""
    warnings = health_checks.warnings()
    if not warnings:
        return HttpResponse("ok", content_type="text/plain")
    return HttpResponse("\n".join(["degraded", *warnings]), content_type="text/plain")
