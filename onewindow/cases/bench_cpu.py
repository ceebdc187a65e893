"""What a request costs the web process itself, measured in process for the HTTP
benchmark (``bench.measure`` runs it in a child on the section's database, before the
web servers start): the bare one-INSERT endpoint, a submission (filing queued) and a
decision (an acceptance), each through Django's whole request handling (middleware, the
API, token authentication) by its test client, and the SQL statements each sends.

The three are timed in alternating rounds, each figure the best round's mean, so that
the host's varying share of the CPU weighs on all three alike: their ratios move far
less from run to run than the HTTP phases' rates do. What a request costs the HTTP
server, PostgreSQL and the load generator is left to the HTTP phases; on two cores, the
ratio of the rates cannot beat the ratio of these costs.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onewindow.cases import bench
from onewindow.core.loadgen import Check
from onewindow.identity import tokens as identity_tokens
from onewindow.identity.models import User
from onewindow.workflow.choices import TaskStatus
from onewindow.workflow.models import WorkTask

ROUNDS = 5
PER_ROUND = 20
WARM_UP = 3  # requests of each kind before any is timed (first queries, templates)
KINDS = ("bare", "submit", "complete")


Request = Callable[[], None]


def measure(plan_path: str) -> dict[str, bench.Cost]:
    """Time the three kinds of request on the seeded database (``bench.seed``); each
    decision takes one of the acceptance tasks waiting (WARM_UP + ROUNDS × PER_ROUND + 1
    of them)."""
    requests = _requests(json.loads(Path(plan_path).read_text(encoding="utf-8")))
    for request in requests.values():
        for _ in range(WARM_UP):
            request()
    best = dict.fromkeys(KINDS, float("inf"))
    for _ in range(ROUNDS):
        for kind, request in requests.items():
            started = time.process_time()
            for _ in range(PER_ROUND):
                request()
            best[kind] = min(best[kind], (time.process_time() - started) / PER_ROUND * 1000)
    costs = {}
    for kind, request in requests.items():
        with CaptureQueriesContext(connection) as statements:
            request()
        costs[kind] = bench.Cost(cpu_ms=best[kind], statements=len(statements.captured_queries))
    return costs


def _requests(plan: dict[str, Any]) -> dict[str, Request]:
    """One function per kind, each sending one request and checking its answer as the
    HTTP phases do (``bench.check_*``)."""
    client = Client(HTTP_HOST="localhost")
    citizen = plan["citizens"][0]
    applicant = User.objects.get(username=citizen["username"])
    applicant_token, _ = identity_tokens.issue_token(user=applicant)
    officer = User.objects.get(username=plan["officers"][0]["username"])
    officer_token, _ = identity_tokens.issue_token(user=officer, second_factor=True)
    application = json.dumps({"service": bench.PASSPORT, "data": citizen["answers"]})
    decision = json.dumps({"outcome": "accept", "comment": "材料齐全，予以受理"})
    tasks = _acceptance_tasks()

    def send(check: Check, path: str, body: str, token: str = "", key: str = "") -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if key:
            headers["Idempotency-Key"] = key
        response = client.post(path, body, content_type="application/json", headers=headers)
        if problem := check(response.status_code, response.content):
            raise RuntimeError(problem)

    return {
        "bare": lambda: send(bench.check_bare, "/bench/insert", "{}"),
        "submit": lambda: send(
            bench.check_submitted, "/api/v1/cases", application, applicant_token, str(uuid.uuid4())
        ),
        "complete": lambda: send(
            bench.check_accepted, f"/api/v1/tasks/{next(tasks)}/complete", decision, officer_token
        ),
    }


def _acceptance_tasks() -> Iterator[int]:
    waiting = WorkTask.objects.filter(status=TaskStatus.READY, name=bench.ACCEPTANCE)
    return iter(list(waiting.order_by("pk").values_list("pk", flat=True)))


def main(plan_path: str) -> None:
    """The child's entry: the costs as one line of JSON on standard output."""
    print(json.dumps({kind: asdict(cost) for kind, cost in measure(plan_path).items()}))
