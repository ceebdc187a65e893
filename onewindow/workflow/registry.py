"""Platform functions that service tasks may call.

A service task names a function (``spiffworkflow:serviceTaskOperator id="record_result"``
or, as Camunda Modeler saves it, ``camunda:type="external" camunda:topic="record_result"``).
Functions register here under that name; a process naming an unregistered function is
refused at upload. Domain apps register their own functions from their ``AppConfig.ready``,
so the workflow app never imports them.

A function runs inside the engine step, which runs inside the service's transaction: what
it writes commits or rolls back with the step. It receives a ``ServiceCall`` and returns
a small JSON-serializable value, stored in the task data under the task's result variable.
Pass ids, never documents or files: task data is copied for every task.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ServiceContext:
    """Who and what the engine step is for; set by the service that runs the step."""

    actor: Any = None  # the user whose action triggered the step, or None for the system
    instance_id: int | None = None  # the ProcessInstance's primary key
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceCall:
    name: str
    task_bpmn_id: str
    params: Mapping[str, Any]  # the operator's parameters, already evaluated
    data: Mapping[str, Any]  # a copy of the task data; changing it changes nothing
    context: ServiceContext


ServiceFunction = Callable[[ServiceCall], Any]

_FUNCTIONS: dict[str, ServiceFunction] = {}
_LABELS: dict[str, Any] = {}  # name: what the function does, for people (lazy text)


class UnknownServiceFunction(LookupError):
    pass


def register(name: str, *, label: Any = None) -> Callable[[ServiceFunction], ServiceFunction]:
    """Register the decorated function under ``name``; names are unique. ``label`` says
    what it does in the reader's language (a lazy translation), where pages list the
    functions a process calls."""

    def decorator(function: ServiceFunction) -> ServiceFunction:
        existing = _FUNCTIONS.get(name)
        if existing is not None and existing is not function:
            raise ValueError(f"service function {name!r} is already registered")
        _FUNCTIONS[name] = function
        if label is not None:
            _LABELS[name] = label
        return function

    return decorator


def unregister(name: str) -> None:
    """For tests that register a function of their own."""
    _FUNCTIONS.pop(name, None)
    _LABELS.pop(name, None)


def get(name: str) -> ServiceFunction:
    try:
        return _FUNCTIONS[name]
    except KeyError:
        raise UnknownServiceFunction(name) from None


def is_registered(name: str) -> bool:
    return name in _FUNCTIONS


def label(name: str) -> str:
    """What the function ``name`` does, in the active language; its name when it has no
    label or is not registered (a version naming a removed function)."""
    return str(_LABELS.get(name) or name)


def names() -> list[str]:
    return sorted(_FUNCTIONS)
