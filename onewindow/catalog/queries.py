"""Reads of the catalog. Public reads see published versions only; back-office reads
are scoped to the departments the officer may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from onewindow.catalog.choices import Audience, OnlineLevel, VersionStatus
from onewindow.catalog.models import (
    LifeEvent,
    LifeEventStep,
    Material,
    ServiceItem,
    ServiceItemVersion,
    Synonym,
    Topic,
    VersionReview,
)
from onewindow.catalog.search import engine
from onewindow.catalog.search.building import current_index
from onewindow.forms.models import FormDefinition
from onewindow.identity.models import Department
from onewindow.identity.queries import department_scope_filter
from onewindow.workflow.models import process_files


def published_items() -> QuerySet[ServiceItem]:
    # ``published__item__department`` lets presenters read a version's item and
    # department without a query per row.
    return ServiceItem.objects.filter(published__isnull=False).select_related(
        "published__item__department", "department"
    )


def published_version(code: str) -> ServiceItemVersion:
    """The published guide of an item, with everything its page shows."""
    return (
        ServiceItemVersion.objects.filter(item__code=code, status=VersionStatus.PUBLISHED)
        .select_related("item", "item__department")
        .prefetch_related(
            "topics",
            "co_departments",
            Prefetch("materials", queryset=Material.objects.select_related("source_department")),
        )
        .get()
    )


def application_version(code: str) -> ServiceItemVersion:
    """The published version of an item with what filing an application on it reads
    (item, department, form and process), in one query; none of the guide's lists, nor
    the process's files (tens of kilobytes, read only where a worker has not parsed
    them yet: ``workflow.runs.spec_of``)."""
    return (
        ServiceItemVersion.objects.filter(item__code=code, status=VersionStatus.PUBLISHED)
        .select_related("item", "item__department", "form", "process")
        .defer(*process_files("process"))
        .get()
    )


def takes_applications(version: ServiceItemVersion | None) -> TypeGuard[ServiceItemVersion]:
    """Whether an application can be filed on this published version: it names both the
    form to fill in and the process that handles it, which is what ``cases.filing``
    requires. The online level alone does not say so: a guide may declare L5 before the
    city connects the item to the case system. Reads only the version's own columns, so
    a list page asks it of every row without a query each."""
    return version is not None and version.form_id is not None and version.process_id is not None


# ``takes_applications`` as a filter on versions, for counting them in the database.
TAKES_APPLICATIONS = Q(form__isnull=False, process__isnull=False)


def applying_parts(event: LifeEvent) -> list[tuple[ServiceItemVersion, FormDefinition]]:
    """The published versions of the event's items that take applications, in the
    event's order, each with its form: what one application for the event files."""
    parts = []
    for step in sorted(event.steps.all(), key=lambda s: s.order):
        version = step.item.published
        if takes_applications(version) and version.form is not None:
            parts.append((version, version.form))
    return parts


def popular_items(limit: int = 8) -> list[ServiceItem]:
    """The published guides read most (``services.count_view``), up to ``limit``, and
    only guides read at all. Filled up with unread ones in code order, a catalog nobody
    had read yet (the demo) showed the finance bureau's first codes (procurement
    complaints, accountants' records) as its popular services (QA)."""
    return list(published_items().filter(popularity__gt=0).order_by("-popularity", "code")[:limit])


def items_taking_applications(limit: int = 8) -> list[ServiceItem]:
    """Published items that take applications on this site now (``takes_applications``),
    in code order, up to ``limit``: what the home page lists while no guide has been
    read, a fact about the site rather than a ranking nobody's use has made."""
    taking = ServiceItemVersion.objects.filter(TAKES_APPLICATIONS).values("pk")
    return list(published_items().filter(published__in=taking).order_by("code")[:limit])


def items_filtered(
    *,
    department: str = "",
    topic: str = "",
    audience: str = "",
    level: int | None = None,
) -> QuerySet[ServiceItem]:
    items = published_items()
    if department:
        items = items.filter(department__code=department)
    if topic:
        items = items.filter(published__topics__code=topic)
    if audience:
        items = items.filter(published__audience=audience)
    if level:
        items = items.filter(published__online_level=level)
    return items.order_by("code")


# Each filter of the browse page and the field its values are read from.
FACET_FIELDS = {
    "department": "department__code",
    "topic": "published__topics__code",
    "audience": "published__audience",
    "level": "published__online_level",
}


def facet_counts(
    *, department: str = "", topic: str = "", audience: str = "", level: int | None = None
) -> dict[str, dict[str, int]]:
    """For each filter, how many published items each of its values lists with the
    other filters in use (a department's "(19)" means 19 on the page it links to): one
    query a filter, however many values."""
    chosen: dict[str, Any] = {
        "department": department,
        "topic": topic,
        "audience": audience,
        "level": level,
    }
    counts: dict[str, dict[str, int]] = {}
    for name, field in FACET_FIELDS.items():
        others = {**chosen, name: None if name == "level" else ""}
        rows = (
            items_filtered(**others).order_by().values(field).annotate(n=Count("pk", distinct=True))
        )
        counts[name] = {str(row[field]): row["n"] for row in rows if row[field] is not None}
    return counts


def topics() -> QuerySet[Topic]:
    """Every topic, for naming the topic filter's values (their counts come from
    ``facet_counts`` or the search's facets, which follow the filters in use)."""
    return Topic.objects.all()


def topics_with_counts() -> QuerySet[Topic]:
    return Topic.objects.annotate(
        items=Count("versions", filter=Q(versions__status=VersionStatus.PUBLISHED))
    )


def departments_with_items() -> QuerySet[Department]:
    return (
        Department.objects.annotate(
            items=Count("service_items", filter=Q(service_items__published__isnull=False))
        )
        .filter(items__gt=0)
        .order_by("path")
    )


def life_events(audience: str = "") -> QuerySet[LifeEvent]:
    """Life events with their steps, in a fixed number of queries however many. The
    event's process of the whole and each item's come along without their files, for
    what one application covers (``event_plan``)."""
    steps = (
        LifeEventStep.objects.select_related("item__published__process", "item__department")
        .defer(*process_files("item__published__process"))
        .prefetch_related("depends_on__item")
    )
    events = (
        LifeEvent.objects.select_related("process")
        .defer(*process_files("process"))
        .prefetch_related(Prefetch("steps", queryset=steps))
    )
    return events.filter(audience=audience) if audience else events


def life_event(code: str) -> LifeEvent:
    return life_events().get(code=code)


def is_life_event(code_field: str) -> Exists:
    """For annotating another app's rows: whether the service code in ``code_field``
    is a life event's (a slug, not an item code worth showing beside its name)."""
    return Exists(LifeEvent.objects.filter(code=OuterRef(code_field)))


def events_with_processes() -> QuerySet[LifeEvent]:
    """Life events with their process of the whole and, step by step, each item's
    department and the process its published version runs (no process files): what
    the back office shows when an event's process is chosen."""
    steps = LifeEventStep.objects.select_related(
        "item__department", "item__published__process"
    ).defer(*process_files("item__published__process"))
    return (
        LifeEvent.objects.select_related("process")
        .defer(*process_files("process"))
        .prefetch_related(Prefetch("steps", queryset=steps))
    )


def synonyms() -> QuerySet[Synonym]:
    return Synonym.objects.all()


# --- online breadth -----------------------------------------------------------------


@dataclass(frozen=True)
class Breadth:
    """Share of published items whose departments declare them L3+ (submitted online)
    and L5 (zero visits), and of those that take applications online now
    (``takes_applications``): a guide may declare a level before the city connects the
    item to the case system."""

    items: int
    submit_online: int
    fully_online: int
    applications: int

    @property
    def applications_share(self) -> float:
        return self.applications / self.items if self.items else 0.0

    @property
    def submit_online_share(self) -> float:
        return self.submit_online / self.items if self.items else 0.0

    @property
    def fully_online_share(self) -> float:
        return self.fully_online / self.items if self.items else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "l3_plus": self.submit_online,
            "l5": self.fully_online,
            "l3_plus_share": round(self.submit_online_share, 4),
            "l5_share": round(self.fully_online_share, 4),
            "applications": self.applications,
            "applications_share": round(self.applications_share, 4),
        }


def _breadth_rows(group_by: str | None) -> list[dict[str, Any]]:
    versions = ServiceItemVersion.objects.filter(status=VersionStatus.PUBLISHED)
    aggregates = {
        "items": Count("pk"),
        "submit_online": Count("pk", filter=Q(online_level__gte=OnlineLevel.SUBMISSION)),
        "fully_online": Count("pk", filter=Q(online_level=OnlineLevel.FULLY_ONLINE)),
        "applications": Count("pk", filter=TAKES_APPLICATIONS),
    }
    if group_by is None:
        return [versions.aggregate(**aggregates)]
    return list(versions.values(group_by).annotate(**aggregates).order_by(group_by))


def _breadth(row: dict[str, Any]) -> Breadth:
    return Breadth(row["items"], row["submit_online"], row["fully_online"], row["applications"])


def breadth() -> dict[str, Any]:
    """City-wide breadth, per department and per audience."""
    overall = _breadth_rows(None)[0]
    names = {d.code: d for d in Department.objects.filter(service_items__isnull=False).distinct()}
    per_department = []
    for row in _breadth_rows("item__department__code"):
        department = names[row["item__department__code"]]
        per_department.append(
            {
                "department": department.code,
                "name": department.name,
                "name_en": department.name_en,
                "breadth": _breadth(row),
            }
        )
    per_audience = {row["audience"]: _breadth(row) for row in _breadth_rows("audience")}
    for audience in Audience.values:
        per_audience.setdefault(audience, Breadth(0, 0, 0, 0))
    return {
        "overall": _breadth(overall),
        "departments": per_department,
        "audiences": per_audience,
    }


# --- search -------------------------------------------------------------------------


def search(
    query: str,
    *,
    audience: str = "",
    department: str = "",
    topic: str = "",
    level: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> engine.Result:
    filters = engine.Filters(
        audience=audience, department=department, topic=topic, online_level=level
    )
    return engine.search(current_index(), query, filters=filters, limit=limit, offset=offset)


# --- back office --------------------------------------------------------------------


def items_for_officer(user: Any) -> QuerySet[ServiceItem]:
    return (
        ServiceItem.objects.filter(department_scope_filter(user))
        .select_related("department", "published")
        .prefetch_related(
            Prefetch(
                "versions",
                # With their review trails: a returned draft's row says what its
                # reviewer asked (``last_review``).
                queryset=ServiceItemVersion.objects.exclude(
                    status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]
                ).prefetch_related("reviews"),
                to_attr="open_versions",
            )
        )
        .order_by("code")
    )


# The versions being worked on: a draft, one awaiting review or one returned.
OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.REJECTED)


def items_for_officer_filtered(
    user: Any, *, department: Department | None = None, text: str = ""
) -> QuerySet[ServiceItem]:
    """``items_for_officer``, of one department only (not its units: the list names
    each item's own department), and whose code or name (published or in an open
    version, Chinese or English) contains ``text``."""
    items = items_for_officer(user)
    if department is not None:
        items = items.filter(department=department)
    if text:
        names = Q(name__icontains=text) | Q(name_en__icontains=text)
        open_named = ServiceItemVersion.objects.filter(
            names, item=OuterRef("pk"), status__in=OPEN_STATUSES
        )
        items = items.filter(
            Q(code__icontains=text)
            | Q(published__name__icontains=text)
            | Q(published__name_en__icontains=text)
            | Exists(open_named)
        )
    return items


def departments_with_items_for_officer(user: Any) -> QuerySet[Department]:
    """The departments in the officer's scope that are responsible for an item, in the
    tree's order: what the back office's list may be narrowed to. One query."""
    return (
        Department.objects.filter(department_scope_filter(user, field=""))
        .filter(Exists(ServiceItem.objects.filter(department=OuterRef("pk"))))
        .order_by("path")
    )


def item_for_officer(user: Any, code: str) -> ServiceItem:
    """The item if in the officer's scope; ``DoesNotExist`` otherwise (a 404, not a 403).
    The published version comes with its form and process (without the process's
    files), which the item's pages show."""
    return (
        items_for_officer(user)
        .select_related("published__form", "published__process")
        .defer(*process_files("published__process"))
        .get(code=code)
    )


def open_version(item: ServiceItem) -> ServiceItemVersion | None:
    return (
        item.versions.exclude(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED])
        .select_related("form", "process")
        .defer(*process_files("process"))
        .prefetch_related("materials", "topics", "co_departments")
        .first()
    )


def review_queue(user: Any) -> QuerySet[ServiceItemVersion]:
    return (
        ServiceItemVersion.objects.filter(status=VersionStatus.IN_REVIEW)
        .filter(department_scope_filter(user, field="item__department"))
        .exclude(author=user)
        .select_related("item", "item__department", "author")
        .order_by("submitted_at", "pk")  # the longest waiting first
    )


def version_history(item: ServiceItem) -> QuerySet[ServiceItemVersion]:
    """The item's versions, newest first, each with its review trail (``reviews``)."""
    return (
        item.versions.select_related("author")
        .prefetch_related(
            Prefetch("reviews", queryset=VersionReview.objects.select_related("reviewer"))
        )
        .order_by("-number")
    )


def last_return(version: ServiceItemVersion | None) -> VersionReview | None:
    """The latest return of an open ``version`` (who returned it, when, what they
    said), which its author reworks the draft by until the next decision; None for a
    version never returned."""
    if version is None or version.status in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED):
        return None
    return (
        version.reviews.filter(approved=False)
        .select_related("reviewer")
        .order_by("-decided_at", "-pk")
        .first()
    )
