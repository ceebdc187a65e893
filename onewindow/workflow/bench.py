"""Benchmark of the engine alone: the three-department parallel process run to the end
in memory, and the same with its state stored and loaded back at every step."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from onewindow.workflow import engine
from onewindow.workflow.registry import ServiceContext

PROCESS = Path(__file__).resolve().parent / "processes" / "parallel_three.bpmn"
OUTCOMES = {"Task_accept": "accept", "Task_finish": "complete"}


def _run_once(spec: engine.ProcessSpec, persist: bool) -> int:
    context = ServiceContext()
    run = engine.start(spec, {"applicant": "bench"}, context=context)
    steps = 0
    while not engine.is_completed(run):
        task = engine.ready_user_tasks(run)[0]
        engine.complete_user_task(
            run, task.id, outcome=OUTCOMES.get(task.bpmn_id, "approve"), data={}, context=context
        )
        steps += 1
        if persist:
            # What a service step does with the state: to JSON text for the database
            # column, and back.
            text = json.dumps(engine.dump_state(run))
            run = engine.load_state(
                spec, json.loads(text), version=engine.STATE_VERSION, context=context
            )
    return steps


def runs_per_second(persist: bool, seconds: float = 3.0) -> tuple[float, int]:
    spec = engine.build_spec(PROCESS.read_text(encoding="utf-8"), {}, key="bench:parallel")
    _run_once(spec, persist)  # warm-up
    count, steps, started = 0, 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        steps = _run_once(spec, persist)
        count += 1
    return count / (time.perf_counter() - started), steps


def report(say: Callable[[str], None]) -> None:
    memory, steps = runs_per_second(persist=False)
    stored, _ = runs_per_second(persist=True)
    say(
        f"== workflow engine: parallel_three.bpmn ({steps} user tasks, 3 departments "
        "in parallel) =="
    )
    say(f"in memory:                      {memory:7.1f} instances/s")
    say(
        f"state stored and loaded per step: {stored:7.1f} instances/s   "
        f"(ratio to in memory {stored / memory:.2f}; target ≥ 0.5)"
    )
