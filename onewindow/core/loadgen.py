"""Tools of the HTTP benchmarks (``make bench``): a throwaway PostgreSQL database,
gunicorn web processes serving the real application, and a closed-loop load
generator with a fixed number of clients.

The generator runs in the bench's own process, one thread per client, each with its
own ``http.client`` connection (reopened when the server closes it, as gunicorn's
sync workers do after every response). It measures its own CPU time, so the report
can show it was not the bottleneck.
"""

from __future__ import annotations

import http.client
import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


class Unavailable(Exception):
    """Something the benchmark needs (PostgreSQL, a free port, gunicorn) is missing."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


# Given the status and body of a response, what is wrong with it (None: it is right).
Check = Callable[[int, bytes], str | None]
# Client number → its next request, or None when there is no more work.
Source = Callable[[int], Request | None]


@dataclass(frozen=True)
class Sample:
    started: float
    seconds: float
    error: str | None


@dataclass(frozen=True)
class Summary:
    clients: int
    seconds: float  # length of the measured window
    requests: int  # started in the window
    errors: int  # anywhere in the run, warm-up included
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    client_cpu_ms: float  # the generator's CPU time per request
    client_cpu_share: float  # the generator's CPU time over the window, in cores
    ran_out: bool  # the source had no more work before the time was up
    first_errors: tuple[str, ...]
    # CPU time per request of the web processes and of the database's backends, from
    # /proc over the whole run (warm-up included); NaN where it cannot be read.
    web_cpu_ms: float = math.nan
    db_cpu_ms: float = math.nan


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted samples: the smallest sample with at least
    ``fraction`` of all samples at or below it. NaN when there are none."""
    if not ordered:
        return math.nan
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    rank = math.ceil(round(fraction * len(ordered), 9))
    return ordered[max(rank, 1) - 1]


def summarize(
    samples: Sequence[Sample],
    *,
    clients: int,
    window: tuple[float, float],
    cpu_seconds: float,
    ran_out: bool,
) -> Summary:
    """Requests started inside ``window`` count toward the rate and latencies; errors
    count wherever they happened."""
    start, end = window
    inside = [s for s in samples if start <= s.started < end]
    latencies = sorted(s.seconds * 1000 for s in inside)
    errors = [s.error for s in samples if s.error is not None]
    length = max(end - start, 1e-9)
    return Summary(
        clients=clients,
        seconds=length,
        requests=len(inside),
        errors=len(errors),
        per_second=len(inside) / length,
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
        client_cpu_ms=cpu_seconds * 1000 / max(len(samples), 1),
        client_cpu_share=cpu_seconds / max(window[1] - window[0], 1e-9),
        ran_out=ran_out,
        first_errors=tuple(dict.fromkeys(errors))[:5],
    )


def _client(
    number: int,
    port: int,
    source: Source,
    check: Check,
    deadline: float,
    samples: list[Sample],
    out_of_work: threading.Event,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        while time.perf_counter() < deadline:
            request = source(number)
            if request is None:
                out_of_work.set()
                return
            started = time.perf_counter()
            try:
                connection.request(request.method, request.path, request.body, request.headers)
                response = connection.getresponse()
                error = check(response.status, response.read())
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                connection.close()
            samples.append(Sample(started, time.perf_counter() - started, error))
    finally:
        connection.close()


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """User and system CPU time of each process still running (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return found


class _CpuWatch:
    """The CPU time of the server processes over a run, polled twice a second so that
    a process ending meanwhile (a database backend whose connection reached its
    maximum age) keeps what it had used when last seen."""

    def __init__(self, servers: Servers) -> None:
        self.servers = servers
        self.first: dict[str, dict[int, float]] = {"web": {}, "database": {}}
        self.last: dict[str, dict[int, float]] = {"web": {}, "database": {}}
        self.stop = threading.Event()
        self.poll()
        self.first = {kind: dict(seen) for kind, seen in self.last.items()}
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def poll(self) -> None:
        for kind, pids in (("web", self.servers.web), ("database", self.servers.database)):
            self.last[kind].update(cpu_seconds(pids()))

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.poll()

    def finish(self) -> dict[str, float]:
        self.stop.set()
        self.thread.join()
        self.poll()
        # Processes started during the run (new database backends) count from zero.
        return {
            kind: sum(spent - self.first[kind].get(pid, 0.0) for pid, spent in seen.items())
            for kind, seen in self.last.items()
        }


@dataclass(frozen=True)
class Servers:
    """Where the server side's CPU time is read: the web processes' and the
    database backends' process ids, each asked for afresh."""

    web: Callable[[], list[int]]
    database: Callable[[], list[int]]


def run_load(
    port: int,
    source: Source,
    check: Check,
    *,
    clients: int,
    seconds: float,
    warmup: float,
    servers: Servers | None = None,
) -> Summary:
    """``clients`` clients send requests back to back for ``warmup + seconds``; the
    figures are those of the last ``seconds``."""
    samples: list[Sample] = []  # list.append is atomic under the GIL
    out_of_work = threading.Event()
    watch = _CpuWatch(servers) if servers else None
    began = time.perf_counter()
    cpu_began = time.process_time()
    deadline = began + warmup + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(n, port, source, check, deadline, samples, out_of_work),
            daemon=True,
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = time.process_time() - cpu_began
    end = min(deadline, time.perf_counter())
    if out_of_work.is_set() and samples:
        end = min(end, max(s.started + s.seconds for s in samples))
    summary = summarize(
        samples,
        clients=clients,
        window=(began + warmup, end),
        cpu_seconds=cpu,
        ran_out=out_of_work.is_set(),
    )
    if watch is None:
        return summary
    used = watch.finish()
    if not samples:
        return summary
    return replace(
        summary,
        web_cpu_ms=used["web"] * 1000 / len(samples),
        db_cpu_ms=used["database"] * 1000 / len(samples),
    )


# --- PostgreSQL -------------------------------------------------------------------


def _admin_connection(url: str) -> psycopg.Connection[tuple[object, ...]]:
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        return psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        where = f"{parts.hostname}:{parts.port or 5432}"
        raise Unavailable(f"PostgreSQL is not reachable at {where}: {exc}".strip()) from exc


@contextmanager
def throwaway_database(url: str) -> Iterator[str]:
    """Create the database named in ``url`` afresh, and drop it afterwards."""
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith("onewindow_bench"):
        raise ValueError("the benchmark only creates and drops databases named onewindow_bench*")
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with _admin_connection(url) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url
    finally:
        with _admin_connection(url) as admin:
            admin.execute(drop)


# --- web processes ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ready(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def children_of(parent: int) -> list[int]:
    """Process ids whose parent is ``parent`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


@dataclass(frozen=True)
class WebServer:
    port: int
    pid: int  # the gunicorn arbiter; its children are the workers


@contextmanager
def database_backends(url: str) -> Iterator[Callable[[], list[int]]]:
    """A function listing the process ids of the PostgreSQL backends connected to the
    database of ``url``, asking over one connection (to another database) kept open."""
    name = urlsplit(url).path.lstrip("/")
    lock = threading.Lock()
    with _admin_connection(url) as admin:

        def pids() -> list[int]:
            with lock:
                rows = admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)
                ).fetchall()
            return [int(str(row[0])) for row in rows]

        yield pids


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int, cwd: Path) -> Iterator[WebServer]:
    """Sync gunicorn workers serving ``onewindow.wsgi`` on a free localhost port."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "onewindow.wsgi:application",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=120",
    ]
    server = subprocess.Popen(command, env=env, cwd=cwd)  # noqa: S603 - our own command
    try:
        started = time.monotonic()
        while not _ready(port):
            if server.poll() is not None:
                raise Unavailable(f"gunicorn exited with status {server.returncode}")
            if time.monotonic() - started > 60:
                raise Unavailable("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield WebServer(port=port, pid=server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_child(env: dict[str, str], args: list[str], *, cwd: Path) -> str:
    """Run ``python <args>`` with ``env``; its output, or an error with its output."""
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args[:3])} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def base_environment() -> dict[str, str]:
    """This process's environment without OneWindow's own variables."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
