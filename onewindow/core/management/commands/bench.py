"""`make bench`: rerunnable benchmarks, reported as measured, with ratios to a baseline
run in the same process. Later issues add their own sections here."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import setup_databases, teardown_databases

SECTIONS = ("relevance", "latency", "engine", "sweep", "history", "http")


class Command(BaseCommand):
    help = "Run the benchmarks and print the figures measured on this machine."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--items", type=int, default=10_000, help="size of the generated catalog for latency"
        )
        parser.add_argument(
            "--section",
            action="append",
            choices=SECTIONS,
            help="run only this section (repeatable); default: all",
        )
        parser.add_argument(
            "--sweep-max",
            type=int,
            default=None,
            help="largest number of generated open tasks the time-limit sweep is measured "
            "over (PostgreSQL only; default: onewindow.workflow.bench_sweep.LARGEST)",
        )
        parser.add_argument(
            "--sweep-moment",
            action="append",
            choices=("midnight", "catch-up"),
            help="sweep only at this moment besides the idle baseline (repeatable); default: both",
        )
        parser.add_argument(
            "--sweep-helpers",
            type=int,
            default=0,
            help="processes set on the sweep's due timers besides the sweep itself, as "
            "ONEWINDOW_SWEEP_TIMER_HELPERS workers are in production (default: 0)",
        )
        http = parser.add_argument_group("HTTP section (production profile)")
        http.add_argument(
            "--database-url",
            default="postgres://postgres@127.0.0.1:5432/onewindow_bench_http",
            help="PostgreSQL database to create, use and drop (its name starts onewindow_bench)",
        )
        http.add_argument(
            "--broker-url",
            default="",
            help="Celery broker of the web processes; empty: a folder queue of the run's own, "
            "so nothing reaches other developers' workers",
        )
        http.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
        http.add_argument("--clients", type=int, default=8, help="concurrent clients")
        http.add_argument("--seconds", type=float, default=15.0, help="measured time per phase")
        http.add_argument("--warmup", type=float, default=3.0, help="unmeasured time per phase")
        http.add_argument("--citizens", type=int, default=8, help="applicants (tokens)")
        http.add_argument("--officers", type=int, default=8, help="window officers (tokens)")
        http.add_argument(
            "--seeded-cases",
            type=int,
            default=300,
            help="cases filed before the run, waiting for acceptance with those of the run",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sections = options["section"] or SECTIONS
        if "relevance" in sections:
            self.catalog_relevance()
        if "latency" in sections:
            self.catalog_latency(options["items"])
        if "engine" in sections:
            self.workflow_engine()
        if "sweep" in sections:
            self.time_limit_sweep(
                options["sweep_max"], options["sweep_moment"], options["sweep_helpers"]
            )
        if "history" in sections:
            self.history()
        if "http" in sections:
            self.http(options)

    def say(self, line: str = "") -> None:
        self.stdout.write(line)

    def catalog_relevance(self) -> None:
        from onewindow.catalog import queries
        from onewindow.catalog.bench import relevance
        from onewindow.catalog.demo import load_demo_catalog
        from onewindow.identity.demo import load_demo_city

        # A fresh throwaway database with the demo city and catalog, so the figures do
        # not depend on what a developer's database holds.
        config = setup_databases(verbosity=0, interactive=False)
        try:
            load_demo_city()
            load_demo_catalog()
            report = relevance(lambda q: [h.document.key for h in queries.search(q, limit=3).hits])
        finally:
            teardown_databases(config, verbosity=0)
        self.say("== catalog search relevance (demo catalog, committed query set) ==")
        self.say(
            f"queries: {report['queries']}   hit@1: {report['hit@1']:.3f}   "
            f"hit@3: {report['hit@3']:.3f}"
        )
        for kind, (hit1, hit3, count) in report["by_kind"].items():
            self.say(f"  {kind:<10} n={count:<3} hit@1={hit1:.3f} hit@3={hit3:.3f}")
        for miss in report["misses"]:
            self.say(f"  miss: {miss}")
        self.say()

    def http(self, options: dict[str, Any]) -> None:
        from onewindow.cases import bench
        from onewindow.core.loadgen import Unavailable

        self.say()
        settings = bench.Options(
            database_url=options["database_url"],
            broker_url=options["broker_url"],
            workers=options["workers"],
            clients=options["clients"],
            seconds=options["seconds"],
            warmup=options["warmup"],
            citizens=options["citizens"],
            officers=options["officers"],
            seeded_cases=options["seeded_cases"],
        )
        try:
            if not bench.report(settings, self.say):
                raise CommandError("some HTTP requests failed; see above")
        except Unavailable as exc:
            raise CommandError(f"HTTP section not run: {exc}") from exc

    def workflow_engine(self) -> None:
        from onewindow.workflow.bench import report

        self.say()
        report(self.say)

    def history(self) -> None:
        from onewindow.cases.bench_history import report

        self.say()
        report(self.say)

    def time_limit_sweep(
        self, largest: int | None, moments: list[str] | None, helpers: int
    ) -> None:
        from onewindow.cases.bench_sweep import SweepCases
        from onewindow.workflow.bench_sweep import LARGEST, MOMENTS, report

        self.say()
        report(
            self.say,
            largest=largest or LARGEST,
            cases_factory=SweepCases,
            moments=("idle", *moments) if moments else MOMENTS,
            helpers=helpers,
        )

    def catalog_latency(self, count: int) -> None:
        from django.core.wsgi import get_wsgi_application

        from onewindow.catalog import bench, queries
        from onewindow.catalog.search import engine

        started = time.perf_counter()
        index = bench.build_generated_index(count)
        build_s = time.perf_counter() - started
        words = bench.latency_queries()
        indexed = bench.percentiles(bench.time_each(words, lambda q: engine.search(index, q)))
        naive = bench.percentiles(bench.time_each(words, bench.naive_scan(index)))
        self.say(f"== catalog search latency ({count:,} generated items, {len(words)} queries) ==")
        self.say(f"index build: {build_s:.2f} s")
        self.say(
            f"in process:  p50 {indexed['p50']:.2f} ms   p95 {indexed['p95']:.2f} ms   "
            f"(baseline, naive substring scan without ranking: p50 {naive['p50']:.2f} ms, "
            f"p95 {naive['p95']:.2f} ms; ratio search/baseline p95 "
            f"{indexed['p95'] / naive['p95']:.2f})"
        )
        # Over HTTP: the real WSGI application, with the generated index in place of the
        # database's, so the request path (middleware, API, JSON) is what is measured.
        original = queries.current_index
        queries.current_index = lambda: index
        try:
            with bench.serving(get_wsgi_application()) as port:
                http = bench.percentiles(bench.time_each(words, bench.http_search(port)))
                health = bench.percentiles(
                    bench.time_each(words, lambda _q: bench.http_get(port, "/healthz"))
                )
        finally:
            queries.current_index = original
        self.say(
            f"over HTTP:   p50 {http['p50']:.2f} ms   p95 {http['p95']:.2f} ms   "
            f"(baseline, GET /healthz: p50 {health['p50']:.2f} ms, p95 {health['p95']:.2f} "
            f"ms; ratio p95 {http['p95'] / health['p95']:.2f})"
        )
