"""The generated catalog the search latency benchmark runs on (``catalog/bench.py``):
its documents carry what the search API shows, as the database's do, so that the
benchmark's HTTP phase measures answers, not errors."""

import pytest
from django.test import Client

from onewindow.catalog import bench, queries
from onewindow.catalog.search.building import build_index


@pytest.mark.django_db
def test_generated_documents_carry_what_the_indexed_ones_do(catalog):
    indexed = next(d for d in build_index().documents if d.kind == "item")
    generated, _text = next(bench.generated_documents(1))
    assert set(generated.payload) == set(indexed.payload)
    assert set(generated.facets) == set(indexed.facets)


@pytest.mark.django_db
def test_the_search_api_answers_over_the_generated_index(monkeypatch):
    # The latency benchmark's HTTP phase failed with 500s once the API showed a
    # payload key the generated documents lacked ("applies_online").
    index = bench.build_generated_index(50)
    monkeypatch.setattr(queries, "current_index", lambda: index)
    for query in bench.latency_queries()[:10]:
        response = Client().get("/api/v1/catalog/search", {"q": query, "limit": 20})
        assert response.status_code == 200, response.content[:200]
