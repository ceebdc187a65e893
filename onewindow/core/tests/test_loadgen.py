import math

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from onewindow.core.loadgen import Sample, percentile, summarize


def test_percentile_is_the_nearest_rank() -> None:
    ordered = [float(n) for n in range(1, 101)]  # 1..100
    assert percentile(ordered, 0.50) == 50
    assert percentile(ordered, 0.95) == 95
    assert percentile(ordered, 0.99) == 99
    assert percentile(ordered, 1.0) == 100
    assert percentile([7.0], 0.99) == 7
    assert percentile([1.0, 2.0, 3.0], 0.5) == 2
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError, match="fraction"):
        percentile(ordered, 0)


def test_summary_counts_the_window_and_every_error() -> None:
    samples = [
        Sample(started=0.5, seconds=0.010, error="warm-up failure"),  # before the window
        *(Sample(started=1 + n / 100, seconds=(n + 1) / 1000, error=None) for n in range(100)),
        Sample(started=1.5, seconds=0.5, error="HTTP 500"),
        Sample(started=3.5, seconds=0.001, error=None),  # after the window
    ]
    summary = summarize(samples, clients=4, window=(1.0, 3.0), cpu_seconds=0.2, ran_out=False)
    assert summary.requests == 101
    assert summary.per_second == pytest.approx(101 / 2)
    assert summary.errors == 2
    assert summary.first_errors == ("warm-up failure", "HTTP 500")
    assert summary.p50_ms == pytest.approx(51)
    assert summary.p99_ms == pytest.approx(100)
    assert summary.client_cpu_share == pytest.approx(0.1)
    assert summary.client_cpu_ms == pytest.approx(200 / 103)


def test_the_bare_endpoint_exists_only_in_the_bench_urlconf() -> None:
    with pytest.raises(Resolver404):
        resolve("/bench/insert")
    assert resolve("/bench/insert", urlconf="onewindow.bench_urls").url_name == "bench_insert"
    # the bench URLconf still serves the whole site
    assert resolve("/healthz", urlconf="onewindow.bench_urls").url_name == "health"


def test_production_settings_do_not_serve_the_bare_endpoint(db: None) -> None:
    from django.conf import settings

    assert settings.ROOT_URLCONF == "onewindow.urls"
    assert Client().post("/bench/insert").status_code == 404


@override_settings(ROOT_URLCONF="onewindow.bench_urls")
def test_the_bare_endpoint_inserts_one_row(db: None) -> None:
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = Client().post("/bench/insert", b"{}", content_type="application/json")
    assert response.status_code == 201
    assert Session.objects.filter(session_key=response.json()["id"]).exists()
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert len(writes) == 1 and writes[0].startswith("INSERT")
