"""Benchmarks of the engine alone: the three-department parallel process run to the end
in memory and with its state stored and loaded back at every step; and the cost of one
step of a long sequential process as the steps already taken pile up."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from onewindow.workflow import engine
from onewindow.workflow.registry import ServiceContext

PROCESS = Path(__file__).resolve().parent / "processes" / "parallel_three.bpmn"
OUTCOMES = {"Task_accept": "accept", "Task_finish": "complete"}
LONG_STEPS = 100
SAMPLED_STEPS = (1, 10, 50, 100)


def _stored_step(spec: engine.ProcessSpec, text: str, context: ServiceContext) -> str:
    """What a service step does: load the state from the JSON text of the database
    column, complete the first ready task, and write the state back as JSON text."""
    run = engine.load_state(spec, json.loads(text), version=engine.STATE_VERSION, context=context)
    task = engine.ready_user_tasks(run)[0]
    outcome = OUTCOMES.get(task.bpmn_id, "approve")
    engine.complete_user_task(run, task.id, outcome=outcome, data={}, context=context)
    return json.dumps(engine.dump_state(run))


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


def sequential_bpmn(steps: int) -> str:
    """A process of ``steps`` user tasks in a row, in one lane."""
    ids = ["StartEvent_1", *(f"Task_{i}" for i in range(1, steps + 1)), "EndEvent_1"]
    flows = [(f"Flow_{i}", ids[i], ids[i + 1]) for i in range(len(ids) - 1)]
    nodes = []
    for i, node in enumerate(ids):
        incoming = f"<bpmn:incoming>{flows[i - 1][0]}</bpmn:incoming>" if i else ""
        outgoing = f"<bpmn:outgoing>{flows[i][0]}</bpmn:outgoing>" if i < len(flows) else ""
        kind = "startEvent" if i == 0 else "endEvent" if i == len(flows) else "userTask"
        nodes.append(f'<bpmn:{kind} id="{node}">{incoming}{outgoing}</bpmn:{kind}>')
    refs = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in ids)
    edges = "".join(
        f'<bpmn:sequenceFlow id="{flow}" sourceRef="{source}" targetRef="{target}" />'
        for flow, source, target in flows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="Definitions_long" targetNamespace="http://bpmn.io/schema/bpmn">'
        '<bpmn:process id="long_sequence" isExecutable="true">'
        f'<bpmn:laneSet id="LaneSet_1"><bpmn:lane id="Lane_1" name="310000-GA">{refs}'
        f"</bpmn:lane></bpmn:laneSet>{''.join(nodes)}{edges}</bpmn:process></bpmn:definitions>"
    )


def step_costs(
    steps: int = LONG_STEPS, sampled: tuple[int, ...] = SAMPLED_STEPS, repeat: int = 30
) -> dict[int, tuple[float, int]]:
    """For each sampled step n: the time of step n (load, complete, dump, as text) in
    ms, best of ``repeat``, and the bytes of the state it loads."""
    spec = engine.build_spec(sequential_bpmn(steps), {}, key="bench:long")
    context = ServiceContext()
    text = json.dumps(engine.dump_state(engine.start(spec, {}, context=context)))
    costs: dict[int, tuple[float, int]] = {}
    for step in range(1, steps + 1):
        if step in sampled:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                _stored_step(spec, text, context)
                times.append((time.perf_counter() - started) * 1000)
            costs[step] = (min(times), len(text.encode()))
        text = _stored_step(spec, text, context)
    return costs


def report(say: Callable[[str], None]) -> None:
    memory, steps = runs_per_second(persist=False)
    stored, _ = runs_per_second(persist=True)
    say(
        f"== workflow engine: parallel_three.bpmn ({steps} user tasks, 3 departments "
        "in parallel) =="
    )
    say(f"in memory:                        {memory:7.1f} instances/s")
    say(
        f"state stored and loaded per step: {stored:7.1f} instances/s   "
        f"(ratio to in memory {stored / memory:.2f}; target ≥ 0.5)"
    )
    costs = step_costs()
    say(f"== workflow engine: one step of a {LONG_STEPS}-task sequential process ==")
    for step, (ms, size) in costs.items():
        say(f"step {step:>3}: {ms:6.2f} ms   (state loaded: {size:,} bytes)")
    first, last = costs[min(costs)][0], costs[max(costs)][0]
    say(f"ratio step {max(costs)} / step {min(costs)}: {last / first:.2f} (target: not growing)")
