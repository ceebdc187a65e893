"""HTTP benchmark of the production profile: full case submissions and officers' task
completions over the real API, each beside a bare endpoint doing one INSERT, measured
in the same run against the same web processes.

``report`` builds a throwaway PostgreSQL database, migrates and seeds it in a child
process (``seed``: the demo city, catalog, processes, forms and bindings; citizens
with their required materials uploaded; window officers with authenticators; cases
waiting for acceptance), starts gunicorn with the production-profile environment,
logs everyone in through ``POST /api/v1/auth/token`` (officers with a TOTP code), and
drives three phases with a fixed number of clients. Every response is checked.
"""

from __future__ import annotations

import functools
import http.client
import json
import re
import secrets
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import ric

from onewindow.cases import demo, filing, queries, starting
from onewindow.catalog.demo import load_demo_catalog
from onewindow.core import loadgen, paging
from onewindow.core.loadgen import Request, Summary
from onewindow.identity import services as identity_services
from onewindow.identity.demo import current_code, load_demo_city
from onewindow.identity.models import Department
from onewindow.identity.roles import Role

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PASSPORT = "310000-GA-XK-0001"  # 普通护照签发: one department, window acceptance first
ACCEPTANCE = "窗口受理"
NUMBER = re.compile(r"^310000-GA-\d{8}-\d{4,}$")
JSON = {"Content-Type": "application/json"}

Phase = Callable[[loadgen.Source, loadgen.Check], Summary]


@dataclass(frozen=True)
class Results:
    bare: Summary
    submit: Summary  # filing queued: the run starts in a worker (ADR 0021)
    started: Drained  # those runs, started afterwards by one worker process
    submit_inline: Summary  # the run started in the request, on a second server
    complete: Summary
    in_process: dict[str, Cost]  # bare, submit, complete: the web side alone (bench_cpu)
    tasks_available: int  # acceptance tasks waiting when the completion phase began
    audit: str  # the last line of audit_verify on the benchmark database


@dataclass(frozen=True)
class Cost:
    """What one kind of request costs the web process, measured in process."""

    cpu_ms: float  # process CPU per request, the best round's mean
    statements: int  # SQL statements one request sends (BEGIN and COMMIT included)


@dataclass(frozen=True)
class Options:
    database_url: str
    broker_url: str  # empty: kombu's folder transport in the run's own folder
    workers: int
    clients: int
    seconds: float
    warmup: float
    citizens: int
    officers: int
    seeded_cases: int


@dataclass(frozen=True)
class Drained:
    runs: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.runs / self.seconds if self.seconds else 0.0


# --- seeding (in a child process on the benchmark's database) ----------------------


def _id_number(serial: int) -> str:
    body = f"31010119900307{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def seed(path: str, *, citizens: int, officers: int, cases: int) -> None:
    """Fill the benchmark database and write what the clients need to ``path``."""
    load_demo_city()
    load_demo_catalog()
    processes = demo.load_processes()
    demo.load_forms()
    demo.bind_items(processes)
    form = queries.application_form(PASSPORT)
    password = secrets.token_urlsafe(18)
    people: list[tuple[Any, dict[str, Any]]] = []
    for n in range(citizens):
        user = identity_services.create_person(
            username=f"bench.citizen{n}",
            password=password,
            full_name=f"压测{n}",
            id_number=_id_number(n),
            phone="13916200101",
            email=f"bench.citizen{n}@example.invalid",  # so every decision enqueues an email
        )
        answers = demo.sample_answers(form, id_number=user.id_number or "", full_name="王小明")
        # The required materials, uploaded once through the same checks as the API's
        # upload; each application refers to them by id.
        answers["attachments"] = demo.sample_attachments(user, form)
        people.append((user, answers))
    police = Department.objects.get(code="310000-GA")
    keys = []
    for n in range(officers):
        officer = identity_services.create_person(
            username=f"bench.window{n}",
            password=password,
            full_name=f"窗口{n}",
            roles=[(Role.WINDOW_OFFICER, police)],
        )
        device = TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
        keys.append({"username": officer.username, "key": device.key})
    for n in range(cases):
        applicant, answers = people[n % len(people)]
        filing.submit_case(
            applicant=applicant, service=PASSPORT, data=answers, idempotency_key=f"bench-{n}"
        )
    start_queued_runs()
    plan = {
        "password": password,
        "citizens": [{"username": u.username, "answers": a} for u, a in people],
        "officers": keys,
    }
    Path(path).write_text(json.dumps(plan), encoding="utf-8")


def start_queued_runs() -> Drained:
    """Start every queued run, one after another, as one worker process would (the
    runs of the seeded cases; after the submission phase, the ones it queued)."""
    started = time.perf_counter()
    report = starting.start_queued_runs_now()
    seconds = time.perf_counter() - started
    if report.problems:  # a benchmark of failing starts would measure nothing
        raise RuntimeError("; ".join(report.problems))
    return Drained(report.started, seconds)


# --- the clients --------------------------------------------------------------------


def _call(port: int, request: Request) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(request.method, request.path, request.body, request.headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def _token(port: int, username: str, password: str, totp_key: str = "") -> str:
    body: dict[str, str] = {"username": username, "password": password}
    if totp_key:
        body["otp"] = current_code(totp_key)
    status, answer = _call(
        port, Request("POST", "/api/v1/auth/token", json.dumps(body).encode(), JSON)
    )
    if status != 200:
        raise RuntimeError(f"login of {username} failed: {status} {answer}")
    return str(answer["token"])


def _bearer(token: str) -> dict[str, str]:
    return {**JSON, "Authorization": f"Bearer {token}"}


def check_bare(status: int, body: bytes) -> str | None:
    if status != 201:
        return f"bare insert: HTTP {status} {body[:120]!r}"
    return None if json.loads(body).get("id") else "bare insert: no id in the answer"


def check_submitted(status: int, body: bytes) -> str | None:
    if status != 201:
        return f"submission: HTTP {status} {body[:200]!r}"
    case = json.loads(body)
    if not NUMBER.match(case.get("number", "")) or case.get("status") != "submitted":
        return f"submission: unexpected answer {body[:200]!r}"
    return None


def check_accepted(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"completion: HTTP {status} {body[:200]!r}"
    case = json.loads(body)
    if case.get("status") != "in_progress" or not NUMBER.match(case.get("number", "")):
        return f"completion: unexpected answer {body[:200]!r}"
    return None


def _submissions(tokens: list[str], citizens: list[dict[str, Any]]) -> Callable[[int], Request]:
    bodies = [json.dumps({"service": PASSPORT, "data": c["answers"]}).encode() for c in citizens]

    def next_request(client: int) -> Request:
        who = client % len(tokens)
        headers = {**_bearer(tokens[who]), "Idempotency-Key": str(uuid.uuid4())}
        return Request("POST", "/api/v1/cases", bodies[who], headers)

    return next_request


def _completions(tokens: list[str], tasks: deque[int]) -> Callable[[int], Request | None]:
    decision = json.dumps({"outcome": "accept", "comment": "材料齐全，予以受理"}).encode()

    def next_request(client: int) -> Request | None:
        try:
            task_id = tasks.popleft()  # atomic: no two clients get the same task
        except IndexError:
            return None
        headers = _bearer(tokens[client % len(tokens)])
        return Request("POST", f"/api/v1/tasks/{task_id}/complete", decision, headers)

    return next_request


def _open_acceptance_tasks(port: int, token: str) -> deque[int]:
    tasks: list[dict[str, Any]] = []
    while True:  # the inbox a page at a time
        path = f"/api/v1/tasks?limit={paging.MAX_LIMIT}&offset={len(tasks)}"
        status, page = _call(port, Request("GET", path, headers=_bearer(token)))
        if status != 200:
            raise RuntimeError(f"inbox: HTTP {status}")
        tasks += page
        if len(page) < paging.MAX_LIMIT:
            break
    return deque(
        t["id"]
        for t in tasks
        if t["status"] == "ready" and t["service"] == PASSPORT and t["name"] == ACCEPTANCE
    )


# --- the run ------------------------------------------------------------------------


def environment(options: Options, var_dir: str, *, queued: bool = True) -> dict[str, str]:
    """The production profile: PostgreSQL, a real queue (tasks never run inline), filing
    queued unless ``queued`` is false, and the benchmark's URLconf for the bare
    endpoint."""
    return {
        **loadgen.base_environment(),
        "DJANGO_SETTINGS_MODULE": "onewindow.bench_settings",
        "ONEWINDOW_DATABASE_URL": options.database_url,
        "ONEWINDOW_BROKER_URL": options.broker_url,
        "ONEWINDOW_TASKS_EAGER": "false",
        "ONEWINDOW_FILING_QUEUED": "true" if queued else "false",
        "ONEWINDOW_VAR_DIR": var_dir,
        "ONEWINDOW_SECRET_KEY": secrets.token_urlsafe(40),
        "ONEWINDOW_DEBUG": "false",
        "ONEWINDOW_LOG_LEVEL": "WARNING",
    }


def _python(code: str) -> list[str]:
    return ["-c", f"import django; django.setup(); {code}"]


@contextmanager
def _serving(options: Options, env: dict[str, str]) -> Iterator[tuple[int, Phase]]:
    """Gunicorn with ``env``; yields its port and ``phase(source, check)``, which
    drives it."""
    with (
        loadgen.gunicorn(env, workers=options.workers, cwd=BASE_DIR) as server,
        loadgen.database_backends(options.database_url) as backends,
    ):
        web = functools.partial(loadgen.children_of, server.pid)
        servers = loadgen.Servers(web=web, database=backends)

        def phase(source: loadgen.Source, check: loadgen.Check) -> Summary:
            return loadgen.run_load(
                server.port,
                source,
                check,
                clients=options.clients,
                seconds=options.seconds,
                warmup=options.warmup,
                servers=servers,
            )

        yield server.port, phase


def measure(options: Options, say: Callable[[str], None]) -> Results:
    """Run the phases; raise ``loadgen.Unavailable`` without PostgreSQL."""
    with (
        tempfile.TemporaryDirectory(prefix="onewindow-bench-") as var_dir,
        loadgen.throwaway_database(options.database_url),
    ):
        env = environment(options, var_dir)
        say(f"setting up {options.database_url.rsplit('/', 1)[-1]} (migrate, demo data) …")
        loadgen.run_child(env, ["manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR)
        plan_file = Path(var_dir) / "plan.json"
        seed_call = (
            f"from onewindow.cases.bench import seed; seed({str(plan_file)!r}, "
            f"citizens={options.citizens}, officers={options.officers}, "
            f"cases={options.seeded_cases})"
        )
        loadgen.run_child(env, _python(seed_call), cwd=BASE_DIR)
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        say("… CPU per request in process")
        in_process = _in_process(env, plan_file)
        with _serving(options, env) as (port, phase):
            citizens = [_token(port, c["username"], plan["password"]) for c in plan["citizens"]]
            officers = [
                _token(port, o["username"], plan["password"], o["key"]) for o in plan["officers"]
            ]
            submissions = _submissions(citizens, plan["citizens"])
            say("… bare insert")
            bare = phase(lambda _c: Request("POST", "/bench/insert", b"{}", JSON), check_bare)
            say("… submissions, filing queued")
            submit = phase(submissions, check_submitted)
            say("… their runs, started by one worker process")
            started = _start_queued_runs(env)
            tasks = _open_acceptance_tasks(port, officers[0])
            available = len(tasks)
            say("… task completions")
            complete = phase(_completions(officers, tasks), check_accepted)
        # The same submissions against servers that start each run in the request.
        with _serving(options, environment(options, var_dir, queued=False)) as (_port, phase):
            say("… submissions, run started in the request")
            submit_inline = phase(submissions, check_submitted)
        verified = loadgen.run_child(env, ["manage.py", "audit_verify"], cwd=BASE_DIR).strip()
    return Results(
        bare=bare,
        submit=submit,
        started=started,
        submit_inline=submit_inline,
        complete=complete,
        in_process=in_process,
        tasks_available=available,
        audit=verified.splitlines()[-1] if verified else "",
    )


def _in_process(env: dict[str, str], plan_file: Path) -> dict[str, Cost]:
    code = f"from onewindow.cases.bench_cpu import main; main({str(plan_file)!r})"
    printed = loadgen.run_child(env, _python(code), cwd=BASE_DIR)
    return {kind: Cost(**cost) for kind, cost in json.loads(printed.splitlines()[-1]).items()}


def _start_queued_runs(env: dict[str, str]) -> Drained:
    code = "from onewindow.cases.bench import start_queued_runs as s; d = s()"
    printed = loadgen.run_child(env, _python(f"{code}; print(d.runs, d.seconds)"), cwd=BASE_DIR)
    runs, seconds = printed.split()[-2:]
    return Drained(int(runs), float(seconds))


def _line(name: str, summary: Summary) -> str:
    return (
        f"{name:<22} {summary.per_second:7.1f} req/s   p50 {summary.p50_ms:6.1f} ms   "
        f"p95 {summary.p95_ms:6.1f} ms   p99 {summary.p99_ms:6.1f} ms   "
        f"requests {summary.requests:>5}   errors {summary.errors}   "
        f"CPU/request: web {summary.web_cpu_ms:5.1f} ms, PostgreSQL {summary.db_cpu_ms:5.1f} ms"
    )


def _in_process_lines(costs: dict[str, Cost]) -> str:
    bare = costs["bare"].cpu_ms
    parts = []
    for kind, name in (("bare", "bare insert"), ("submit", "submit"), ("complete", "complete")):
        cost = costs[kind]
        ratio = f" (×{cost.cpu_ms / bare:.1f})" if kind != "bare" else ""
        plural = "" if cost.statements == 1 else "s"
        parts.append(f"{name} {cost.cpu_ms:.2f} ms{ratio}, {cost.statements} statement{plural}")
    return (
        "web CPU per request in process (Django's test client, best of alternating rounds):\n  "
        + "; ".join(parts)
        + f"\n  bare insert's cost over the submission's {bare / costs['submit'].cpu_ms:.3f}, "
        f"over the completion's {bare / costs['complete'].cpu_ms:.3f}"
    )


def report(options: Options, say: Callable[[str], None]) -> bool:
    """Measure and print; False if any request failed. A missed target is printed, as
    measured, and does not fail the run."""
    results = measure(options, say)
    bare, submit, complete = results.bare, results.submit, results.complete
    inline, started = results.submit_inline, results.started
    say(
        f"== HTTP, production profile: PostgreSQL, {options.workers} sync gunicorn workers, "
        f"{options.clients} clients, {options.seconds:.0f} s per phase after "
        f"{options.warmup:.0f} s warm-up =="
    )
    say(_line("bare insert (baseline)", bare))
    say(_line("submit, filing queued", submit))
    say(
        f"{'  their runs, started':<22} {started.per_second:7.1f} runs/s by one worker "
        f"process afterwards ({started.runs} in {started.seconds:.1f} s)"
    )
    say(_line("submit, run in request", inline))
    say(_line("complete a task", complete))
    say(_in_process_lines(results.in_process))
    submit_ratio = submit.per_second / bare.per_second
    say(
        f"ratios to the bare insert: submissions {submit_ratio:.2f} filing queued, "
        f"{inline.per_second / bare.per_second:.2f} with the run started in the request "
        f"(target ≥ 0.25, p99 < 300 ms); completions {complete.per_second / bare.per_second:.2f}"
    )
    say(
        f"load generator: {bare.client_cpu_ms:.2f} ms CPU per request on the bare endpoint "
        f"({bare.client_cpu_share:.0%} of one core)"
    )
    say(f"acceptance tasks waiting for the completion phase: {results.tasks_available}")
    if complete.ran_out:
        say("!! the completion phase ran out of tasks; its window was cut short")
    say(f"audit chain after the run: {results.audit}")
    failed = False
    phases = {"bare": bare, "submit": submit, "submit inline": inline, "complete": complete}
    for name, summary in phases.items():
        if summary.errors:
            failed = True
            say(f"!! {summary.errors} FAILED REQUESTS in the {name} phase:")
            for error in summary.first_errors:
                say(f"!!   {error}")
    if started.runs < submit.requests:  # the warm-up filed some too
        failed = True
        say(f"!! {submit.requests} cases filed queued, but {started.runs} runs started")
    met = submit_ratio >= 0.25 and submit.p99_ms < 300
    say(f"targets (filing queued): {'met' if met else 'NOT MET'}")
    return not failed
