from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults

from onewindow.catalog import queries as catalog_queries
from onewindow.catalog.choices import Audience
from onewindow.core import health as health_checks
from onewindow.core.api_errors import error_response


def home(request: HttpRequest) -> HttpResponse:
    """The portal home: search, life events, popular services (or, before any guide is
    read, those taking applications online) and ways to browse."""
    events = list(catalog_queries.life_events())
    popular = catalog_queries.popular_items()
    return render(
        request,
        "core/home.html",
        {
            "person_events": [e for e in events if e.audience == Audience.PERSON],
            "company_events": [e for e in events if e.audience == Audience.COMPANY],
            "popular": popular,
            # Until guides have been read (a new site, a fresh demo) nothing is popular:
            # the section lists, under its own heading, what can be applied for here.
            "online": [] if popular else catalog_queries.items_taking_applications(),
            "departments": catalog_queries.departments_with_items(),
            "topics": [t for t in catalog_queries.topics_with_counts() if t.items],  # type: ignore[attr-defined]
            "audiences": Audience.choices,
        },
    )


def health(request: HttpRequest) -> HttpResponse:
    """``ok``, or ``degraded`` and a line per part failing or that will fail soon, with
    200: the site still serves, and a 503 would take every web process out of the load
    balancer at once for a broker down or a problem weeks away. Without its database
    this process serves nothing: ``unavailable``, 503."""
    if problem := health_checks.database_problem():
        return HttpResponse(f"unavailable\n{problem}", status=503, content_type="text/plain")
    warnings = health_checks.warnings()
    if not warnings:
        return HttpResponse("ok", content_type="text/plain")
    return HttpResponse("\n".join(["degraded", *warnings]), content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links; the icon is a static SVG."""
    return HttpResponsePermanentRedirect(static("onewindow/favicon.svg"))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 page (``404.html``), or under /api/v1/ an address no endpoint has,
    in the API's one error shape (ADR 0002). Unknown addresses and objects the user may
    not see get the same answer; the exception's text is never shown."""
    if request.path.startswith(reverse("api:api-root")):
        return error_response(404, "not_found", _("No such endpoint."))
    return defaults.page_not_found(request, exception)
