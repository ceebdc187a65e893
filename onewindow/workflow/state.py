"""The stored layout of a run's state, as plain JSON, and its migrations.

``engine.dump_state`` writes version 2: each workflow (the run, and each embedded
subprocess) keeps its tasks as a list, every task after its parent, so the order
survives PostgreSQL's jsonb (which sorts object keys) and children need not be listed.
A task holds its whole data only when it has no parent or none to share; otherwise
its changes to the parent's data (``updates`` and ``deletions``). Empty fields are left
out. Finished tasks that no live task needs are not written at all (see the engine's
converter), so the state does not grow with the steps already taken.

This module does not import SpiffWorkflow: it only reshapes JSON.
"""

from __future__ import annotations

from collections import deque
from typing import Any


def parents_first(tasks: dict[str, Any], root: str) -> dict[str, Any]:
    """Version 1's task mapping in an order where every parent precedes its children
    (breadth first, so siblings keep their order)."""
    ordered: dict[str, Any] = {}
    queue = deque([root])
    while queue:
        task_id = queue.popleft()
        if task_id in tasks and task_id not in ordered:
            ordered[task_id] = tasks[task_id]
            queue.extend(tasks[task_id]["children"])
    for task_id, task in tasks.items():  # unreachable ones, if any, keep their place
        ordered.setdefault(task_id, task)
    return ordered


def _task_from_version_1(task: dict[str, Any], known: set[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": task["id"],
        "spec": task["task_spec"],
        "state": task["state"],
        "changed": task["last_state_change"],
    }
    parent = task.get("parent")
    if parent is not None:
        entry["parent"] = parent
    if task.get("triggered"):
        entry["triggered"] = True
    if task.get("internal_data"):
        entry["internal"] = task["internal_data"]
    delta = task.get("delta")
    # Version 1 rebuilt a task from its parent's data only when it had a delta and a
    # parent it could find; otherwise it read the task's own data.
    if delta and parent in known:
        if delta.get("updates"):
            entry["updates"] = delta["updates"]
        if delta.get("deletions"):
            entry["deletions"] = list(delta["deletions"])
    else:
        entry["data"] = task.get("data") or {}
    return entry


def _workflow_from_version_1(workflow: dict[str, Any]) -> dict[str, Any]:
    ordered = parents_first(workflow["tasks"], workflow["root"])
    tasks = []
    known: set[str] = set()
    for task in ordered.values():
        tasks.append(_task_from_version_1(task, known))
        known.add(task["id"])
    converted: dict[str, Any] = {
        key: workflow[key]
        for key in ("data", "correlations", "last_task", "success", "completed")
        if key in workflow
    }
    converted["tasks"] = tasks
    for key in ("parent_task_id", "spec", "typename"):
        if key in workflow:
            converted[key] = workflow[key]
    return converted


def from_version_1(state: dict[str, Any]) -> dict[str, Any]:
    """Version 1 was SpiffWorkflow's own layout without the spec: tasks as an object
    keyed by id, each listing its children. Returns a new dict; ``state`` is untouched."""
    converted = _workflow_from_version_1(state)
    converted["subprocesses"] = {
        task_id: _workflow_from_version_1(sub)
        for task_id, sub in (state.get("subprocesses") or {}).items()
    }
    for key, value in state.items():
        if key not in converted and key not in ("tasks", "root"):
            converted[key] = value  # bpmn_events, spec_key, the serializer's version, typename
    return converted
