"""Building the search index from the published catalog."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch

from onewindow.catalog.models import (
    CatalogRevision,
    LifeEvent,
    LifeEventStep,
    ServiceItem,
    Synonym,
)
from onewindow.catalog.search import analyzer
from onewindow.catalog.search.index import Document, SearchIndex, SourceText, cached_index


def build_index() -> SearchIndex:
    # Here, not at the top: ``queries`` imports this module for ``current_index``.
    from onewindow.catalog.queries import takes_applications

    # Read as queries are (``analyzer.normalize``): a term saved as "Passport" or in
    # full-width letters matches what people type (QA: it never did).
    synonyms = [
        (analyzer.normalize(term), analyzer.normalize(canonical))
        for term, canonical in Synonym.objects.values_list("term", "canonical")
    ]
    items = list(
        ServiceItem.objects.filter(published__isnull=False)
        .select_related("published", "department")
        .prefetch_related(
            "published__topics",
            "published__materials",
            Prefetch("events", queryset=LifeEvent.objects.only("name", "name_en", "keywords")),
        )
    )
    analyzer.initialize(
        settings.VAR_DIR,
        extra_words=[
            *(item.published.name for item in items if item.published),
            *(canonical for _, canonical in synonyms),
        ],
    )
    index = SearchIndex()
    for item in items:
        version = item.published
        assert version is not None
        topics = list(version.topics.all())
        events = list(item.events.all())
        context = " ".join(
            [
                item.department.name,
                item.department.short_name,
                item.department.name_en,
                *(t.name for t in topics),
                *(t.name_en for t in topics),
                *(e.name for e in events),
                *(e.name_en for e in events),
                *(e.keywords for e in events),
                # Chinese only: the English names of materials ("business licence",
                # asked for by half the catalog) outranked the services themselves in
                # the committed relevance set (hit@3 1.000 → 0.978).
                *(m.name for m in version.materials.all()),
            ]
        )
        index.add(
            Document(
                kind="item",
                key=item.code,
                name=version.name,
                name_en=version.name_en,
                popularity=item.popularity,
                facets={
                    "department": item.department.code,
                    "audience": version.audience,
                    "topic": [t.code for t in topics],
                    "online_level": version.online_level,
                },
                payload={
                    "department_name": item.department.name,
                    "department_name_en": item.department.name_en,
                    "summary": version.summary,
                    "summary_en": version.summary_en,
                    "kind": version.kind,
                    "promised_limit_days": version.promised_limit_days,
                    "max_visits": version.max_visits,
                    "applies_online": takes_applications(version),
                },
            ),
            SourceText(
                name=version.name,
                name_en=version.name_en,
                keywords=version.keywords,
                context=context,
                summary=f"{version.summary} {version.summary_en}",
            ),
        )
    for event in LifeEvent.objects.prefetch_related(
        Prefetch("steps", queryset=LifeEventStep.objects.select_related("item__published"))
    ):
        # Its steps' names in both languages, as an item's context carries its events':
        # with the Chinese names only, "newborn" (in two steps' English names) missed
        # "Having a baby" while 新生儿 found it (QA).
        versions = [s.item.published for s in event.steps.all() if s.item.published]
        step_names = " ".join([*(v.name for v in versions), *(v.name_en for v in versions)])
        index.add(
            Document(
                kind="event",
                key=event.code,
                name=event.name,
                name_en=event.name_en,
                facets={"audience": event.audience},
                payload={"summary": event.summary, "summary_en": event.summary_en},
            ),
            SourceText(
                name=event.name,
                name_en=event.name_en,
                keywords=event.keywords,
                context=step_names,
                summary=f"{event.summary} {event.summary_en}",
            ),
        )
    index.finish(synonyms)
    return index


def current_index() -> SearchIndex:
    revision = CatalogRevision.objects.filter(pk=1).values_list("number", flat=True).first()
    return cached_index(revision or 0, build_index)
