"""What one process expression may cost: time, and the size of what it builds.

The sandbox (``sandbox.py``) keeps an expression away from the interpreter's internals;
this keeps it from holding a web or worker process. Without bounds a condition such as
``sum(1 for a in range(10000) for b in range(10000))`` runs for minutes, ``9**9**9``
never ends, and ``"a" * 10**10`` asks for ten gigabytes, each inside a step's database
transaction. Two kinds of bound:

- **Time.** While an expression runs, a trace function (``sys.settrace``, this thread
  only) checks a deadline at every line and call of the sandboxed code, so loops and
  recursion end after ``EXPRESSION_SECONDS``.
- **Size.** One operation in C cannot be interrupted, so the operations that can make
  a huge value are checked before they run: ``+``, ``*``, ``**``, ``<<`` and ``%`` (the
  sandbox's compiler rewrites them into the guards below), literals and comprehensions,
  text padding, joining and replacing, ``sum`` and ``round``, and what an f-string or
  ``str()`` shows. Texts and collections hold at most ``MAX_ITEMS`` items, counting
  what nested collections hold (a list repeating one long list is as long as its
  copies would be); integers have at most ``MAX_INT_BITS`` bits; and one run builds at
  most ``MAX_ITEMS_BUILT`` items in all (a loop appending values each within the bound).
  A script's result, the task data it leaves, is within the bounds too.

A script cannot catch what the bounds raise: ``try`` is refused when the file is
uploaded (Python drops a trace function that raised, so a caught timeout would have run
on without a deadline).

Every way a script makes a collection goes through one of these: literals and
comprehensions, the operators, the collections' constructors (``list()``, ``dict()``
…: functions here, so that no method is read from the type), the tuples ``zip`` makes,
the methods that add to a collection, and assignment to an item or slice. A function
cannot gather its arguments (``*args`` and ``**kwargs`` are refused at upload):
``f(x, x)`` would otherwise make a tuple holding ``x`` twice, unchecked. So a value
shared within another counts each time it appears, and no value grows past the bounds
however it is shared: comparing, hashing or showing one (in C, past any deadline) costs
at most what those bounds allow.
"""

from __future__ import annotations

import builtins
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from types import FrameType
from typing import Any

# A condition takes microseconds and a script over a case's few items milliseconds.
EXPRESSION_SECONDS = 1.0
# Far above a case's data (a form's text is at most a few thousand characters, its
# lists a few dozen rows), far below what would strain a process.
MAX_ITEMS = 100_000
MAX_INT_BITS = 4_096  # some 1,233 decimal digits: any amount, count or identifier
# Collections within collections: a case's data nests a few levels; storing a run's
# state walks it recursively, and 900 lists within lists were a RecursionError, a 500
# (security QA).
MAX_DEPTH = 100
MAX_WIDTH = 1_000  # of a format's width or precision ("%1000d", f"{x:>1000}")
MAX_ROUND_DIGITS = 100

SOURCE_FILENAME = "<string>"  # the file name the sandbox compiles expressions under


class ExpressionTooCostly(ValueError):
    """An expression went over one of the bounds; the step fails as on any error."""


def _too_costly(what: str) -> ExpressionTooCostly:
    return ExpressionTooCostly(f"{what} is over what a process expression may use")


# --- time ---------------------------------------------------------------------------


class BoundedRun:
    """Run the block with the deadline (``EXPRESSION_SECONDS``) checked at each line and
    call of sandboxed code (any tracer already set, a debugger's, is put back after),
    and with ``MAX_ITEMS_BUILT`` to spend (``spend``).

    Entered for every condition a step evaluates: a class, without the generator a
    ``contextlib.contextmanager`` would run. Tracing costs some 4 µs an evaluation
    (measured against the bare ``eval`` of a condition, 1.2 µs), under 1 % of a step."""

    __slots__ = ("ends", "previous", "previous_budget", "seconds")

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = EXPRESSION_SECONDS if seconds is None else seconds

    def __enter__(self) -> None:
        self.ends = time.monotonic() + self.seconds
        self.previous = sys.gettrace()
        self.previous_budget = getattr(_budget, "left", None)
        _budget.left = MAX_ITEMS_BUILT
        sys.settrace(self._on_call)

    def __exit__(self, *exc: object) -> None:
        sys.settrace(self.previous)
        _budget.left = self.previous_budget

    def _on_call(self, frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > self.ends:
            raise _too_costly(f"running for more than {self.seconds:g} s")
        # Only the sandboxed code's own lines: the guards and builtins it calls are not
        # traced line by line, only checked as they are entered.
        return self._on_line if frame.f_code.co_filename == SOURCE_FILENAME else None

    def _on_line(self, frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > self.ends:
            raise _too_costly(f"running for more than {self.seconds:g} s")
        return self._on_line


# What one run may build in all, over every value the guards let through: each value
# is within MAX_ITEMS, but a loop appending them is not (600 lists of 99,999 took
# 611 MB in under a second). Ten values at the bound.
MAX_ITEMS_BUILT = 10 * MAX_ITEMS
_budget = threading.local()  # .left: what the current run may still build


def spend(items: int) -> None:
    """Count ``items`` built against the current run's budget; outside a run (a guard
    called directly) nothing is counted."""
    left = getattr(_budget, "left", None)
    if left is None:
        return
    left -= items
    if left < 0:
        raise _too_costly(f"building more than {MAX_ITEMS_BUILT:,} items in one run")
    _budget.left = left


# --- size ---------------------------------------------------------------------------

_SEQUENCES = (str, bytes, list, tuple)
_COLLECTIONS = (list, tuple, set, frozenset, dict)


def items_in(value: Any, limit: int = MAX_ITEMS) -> int:
    """How many items ``value`` holds, counting those of the collections in it each
    time they appear; counting stops just past ``limit``."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if not isinstance(value, _COLLECTIONS):
        return 1
    count = 0
    pending = [(value, 1)]
    while pending and count <= limit:
        current, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise _too_costly(f"a value nested more than {MAX_DEPTH} deep")
        members: Iterable[Any] = current.items() if isinstance(current, dict) else current
        for member in members:
            if isinstance(member, _COLLECTIONS):
                pending.append((member, depth + 1))
            count += len(member) if isinstance(member, (str, bytes)) else 1
            if count > limit:
                break
    return count


def sized(value: Any) -> Any:
    """``value``, if it is within the bounds."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > MAX_INT_BITS:
            raise _too_costly("an integer this large")
    else:
        count = items_in(value)
        if count > MAX_ITEMS:
            raise _too_costly(f"a value of more than {MAX_ITEMS:,} items")
        spend(count)
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def building(items: int) -> None:
    """A value of ``items`` is about to be made: refused over ``MAX_ITEMS``, else
    counted against the run's budget (``spend``)."""
    if items > MAX_ITEMS:
        raise _too_costly(f"a value of more than {MAX_ITEMS:,} items")
    spend(items)


def add(left: Any, right: Any) -> Any:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        building(items_in(left) + items_in(right))
    return left + right


def multiply(left: Any, right: Any) -> Any:
    if _is_int(left) and _is_int(right):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _too_costly("an integer this large")
    elif isinstance(left, _SEQUENCES) and _is_int(right):
        _check_repeat(left, right)
    elif isinstance(right, _SEQUENCES) and _is_int(left):
        _check_repeat(right, left)
    return left * right


def _check_repeat(sequence: Any, times: int) -> None:
    if times > 0:
        building(items_in(sequence) * times)


def power(base: Any, exponent: Any) -> Any:
    grows = _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1
    if grows and (abs(base).bit_length() - 1) * exponent > MAX_INT_BITS:
        raise _too_costly("an integer this large")
    return base**exponent


def shift_left(value: Any, places: Any) -> Any:
    grows = _is_int(value) and _is_int(places) and value != 0 and places > 0
    if grows and value.bit_length() + places > MAX_INT_BITS:
        raise _too_costly("an integer this large")
    return value << places


# A conversion of "%" formatting: its width and precision, each a number or "*".
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def modulo(left: Any, right: Any) -> Any:
    if isinstance(left, (str, bytes)):
        text = left if isinstance(left, str) else left.decode("latin-1")
        for width in (w for match in _CONVERSION.finditer(text) for w in match.groups() if w):
            if width == "*" or int(width) > MAX_WIDTH:
                raise _too_costly("a format this wide")
        for shown in right if isinstance(right, tuple) else (right,):
            shows(shown)
        return sized(left % right)
    return left % right


# What a process may show as text: data. Anything else shows its default repr, with
# its address in memory ("<function <lambda> at 0x7f…>", a zip's, a bound method's): a
# hint to the interpreter's layout, which case data would carry to whoever reads it. A
# bool is an int, a datetime a date.
_SHOWN_AS_TEXT = (str, bytes, int, float, Decimal, date, timedelta, range, type(None))


class NotShowable(TypeError):
    """A value that is not data, shown as text; the step fails as on any error."""


def _only_data(value: Any) -> None:
    # Called on a collection ``sized`` has passed: at most MAX_ITEMS items, no cycle.
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            pending.extend(current.keys())
            pending.extend(current.values())
        elif isinstance(current, _COLLECTIONS):
            pending.extend(current)
        elif not isinstance(current, _SHOWN_AS_TEXT):
            raise NotShowable(
                f"a {type(current).__name__} cannot be shown as text in a process expression"
            )


def shows(value: Any) -> Any:
    """``value``, to be shown as text (an f-string's part, ``str()``, ``%``), if it is
    data (``_SHOWN_AS_TEXT``, in collections or not) and its text is within the bounds:
    a collection's is as long as what it holds, and "%d" of a decimal makes it an
    integer (``integral``)."""
    if isinstance(value, _COLLECTIONS):
        sized(value)
    _only_data(value)
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() < -MAX_INT_DIGITS:
        # Its fixed-point text (f"{x:f}", "%f") holds every zero: "1e-3000000000" asked
        # for gigabytes (security QA).
        raise _too_costly("a decimal this small")
    return integral(value)


# Decimal digits of the largest integer allowed (MAX_INT_BITS · log10 2).
MAX_INT_DIGITS = 1_233


def integral(value: Any) -> Any:
    """``value``, unless it is a decimal whose integer would be over the bounds: a
    Decimal keeps "1e999999" in a few bytes, and ``int()`` of it computes every digit in
    C (minutes), as ``round()`` and "%d" do."""
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > MAX_INT_DIGITS:
        raise _too_costly("an integer this large")
    return value


def format_spec_problem(spec: str) -> str | None:
    """What is wrong with an f-string's format specification, if anything."""
    for number in re.findall(r"\d+", spec):
        if int(number) > MAX_WIDTH:
            return f"A format width or precision is at most {MAX_WIDTH}."
    return None


# --- builtins and methods -------------------------------------------------------------


def constructor(make: Callable[..., Any]) -> Callable[..., Any]:
    """``list``, ``dict`` and the other collections' constructors, whose result is
    within the bounds: ``list(x for _ in range(2))`` holds ``x`` twice, as a literal
    ``[x, x]`` would. A function, not the type: ``list.append(items, x)`` and the
    other methods read from the type would escape ``bounded_method``."""

    def made(*args: Any, **named: Any) -> Any:
        return sized(make(*args, **named))

    made.__name__ = made.__qualname__ = make.__name__
    return made


def limited_zip(*iterables: Iterable[Any], **named: Any) -> Iterator[tuple[Any, ...]]:
    """``zip``, each tuple it makes within the bounds: zipping two generators that
    yield one list makes a tuple holding that list twice."""
    for row in builtins.zip(*iterables, **named):  # noqa: B905 (strict as the caller asks)
        yield sized(row)


class Assigned:
    """A list or dict an assignment writes into (``items[i] = x``, ``del items[i]``;
    the sandbox's write guard hands these out): what is assigned is counted like what
    ``append`` adds, whole, against the run's budget. Else a loop assigning one list
    to two places of a new one doubles what it holds each time at no cost, and
    comparing two such lists runs in C for as long as that size asks, past any
    deadline."""

    __slots__ = ("target",)

    def __init__(self, target: list[Any] | dict[Any, Any]) -> None:
        self.target = target

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(self.target, list) and isinstance(key, slice):
            value = list(value)  # a generator assigned to a slice holds what it yields
            if len(self.target) + len(value) > MAX_ITEMS:
                raise _too_costly(f"a value of more than {MAX_ITEMS:,} items")
            building(items_in(value))
        else:
            grows = isinstance(self.target, dict) and key not in self.target
            if grows and len(self.target) >= MAX_ITEMS:
                raise _too_costly(f"a value of more than {MAX_ITEMS:,} items")
            spend(items_in(value))
        self.target[key] = value

    def __delitem__(self, key: Any) -> None:
        del self.target[key]


def limited_sum(values: Iterable[Any], start: Any = 0) -> Any:
    # A list or text as start makes ``sum`` a concatenation in C, unbounded.
    if not isinstance(start, (int, float, Decimal)):
        raise TypeError("sum() in process expressions adds numbers only")
    return builtins.sum(values, start)


def limited_round(number: Any, digits: Any = None) -> Any:
    # round(5, -10**9) computes 10**(10**9) first.
    if digits is None:
        return builtins.round(integral(number))
    if _is_int(digits) and abs(digits) > MAX_ROUND_DIGITS:
        raise _too_costly("rounding to this many digits")
    return builtins.round(number, digits)


def limited_int(*args: Any, **kwargs: Any) -> int:
    if args:
        integral(args[0])
    # int("f" * 4000, 16): 16,000 bits from a text within the bounds (security QA).
    return within_bounds(builtins.int(*args, **kwargs))


def limited_str(*args: Any) -> str:
    if args:
        shows(args[0])
    return builtins.str(*args)


def _padding(method: Callable[..., Any], text: Any) -> Callable[..., Any]:
    def padded(width: Any, *rest: Any) -> Any:
        if _is_int(width):
            building(max(width, len(text)))
        return method(width, *rest)

    return padded


def _joining(method: Callable[..., Any], separator: Any) -> Callable[..., Any]:
    def joined(parts: Iterable[Any]) -> Any:
        parts = list(parts)
        length = len(separator) * max(len(parts) - 1, 0)
        length += builtins.sum(len(p) for p in parts if isinstance(p, (str, bytes)))
        building(length)
        return method(parts)

    return joined


def _replacing(method: Callable[..., Any], text: Any) -> Callable[..., Any]:
    def replaced(old: Any, new: Any, count: int = -1) -> Any:
        if isinstance(old, (str, bytes)) and isinstance(new, (str, bytes)):
            found = text.count(old) if old else len(text) + 1
            if count >= 0:
                found = min(found, count)
            building(len(text) + found * max(len(new) - len(old), 0))
        return method(old, new, count)

    return replaced


def _tabs(method: Callable[..., Any], text: Any) -> Callable[..., Any]:
    def expanded(tabsize: int = 8) -> Any:
        if _is_int(tabsize):
            building(len(text) * max(tabsize, 1))
        return method(tabsize)

    return expanded


def _extending(method: Callable[..., Any], collection: Any) -> Callable[..., Any]:
    def extended(*others: Any, **named: Any) -> Any:
        added = builtins.sum(items_in(o) for o in others if isinstance(o, _COLLECTIONS))
        if items_in(collection) + added + len(named) > MAX_ITEMS:
            raise _too_costly(f"a value of more than {MAX_ITEMS:,} items")
        spend(added + len(named))
        return method(*others, **named)

    return extended


def _making(method: Callable[..., Any], collection: Any) -> Callable[..., Any]:
    def made(*args: Any, **named: Any) -> Any:
        return sized(method(*args, **named))

    return made


def _adding(method: Callable[..., Any], collection: Any) -> Callable[..., Any]:
    def added(*args: Any) -> Any:
        # What is added is counted whole against the run's budget: a list appended is
        # as big as what it holds, though it adds one item.
        if len(collection) >= MAX_ITEMS:
            raise _too_costly(f"a value of more than {MAX_ITEMS:,} items")
        spend(builtins.sum(items_in(arg) for arg in args[-1:]))
        return method(*args)

    return added


# Methods whose result can be far larger than their object and arguments, wrapped with
# a check of what they would make; by the kind of object.
_TEXT_METHODS: dict[str, Callable[[Callable[..., Any], Any], Callable[..., Any]]] = {
    "ljust": _padding,
    "rjust": _padding,
    "center": _padding,
    "zfill": _padding,
    "join": _joining,
    "replace": _replacing,
    "expandtabs": _tabs,
}
_COLLECTION_METHODS = {
    "extend": _extending,
    "update": _extending,
    "append": _adding,
    "insert": _adding,  # (index, item): the item is the last argument
    "add": _adding,
    "setdefault": _adding,
    # ({}.fromkeys(keys, value)): one value under every key, a list repeating one list
    "fromkeys": _making,
}
# Text methods refused outright: a translation table maps each character to any text.
REFUSED_TEXT_METHODS = frozenset({"translate", "maketrans"})


def _bytes_of(method: Callable[..., Any], number: Any) -> Callable[..., Any]:
    def to_bytes(length: Any = 1, *rest: Any, **named: Any) -> Any:
        if _is_int(length):
            building(length)
        return method(length, *rest, **named)

    return to_bytes


def _ratio_of(method: Callable[..., Any], number: Any) -> Callable[..., Any]:
    def as_integer_ratio() -> Any:
        integral(number)  # raises when its integers would be over the bounds
        return method()

    return as_integer_ratio


def bounded_method(obj: Any, name: str, method: Any) -> Any:
    """``method`` (``obj.name``), wrapped with its size check where it has one."""
    if isinstance(obj, (str, bytes)):
        if name in REFUSED_TEXT_METHODS:
            raise NotImplementedError(f"{name}() is not allowed in process expressions")
        wrapper = _TEXT_METHODS.get(name)
    elif isinstance(obj, (list, set, dict)):
        wrapper = _COLLECTION_METHODS.get(name)
    elif _is_int(obj) and name == "to_bytes":  # (1).to_bytes(10**9) asks a gigabyte
        wrapper = _bytes_of
    elif isinstance(obj, Decimal) and name == "as_integer_ratio":  # integers, as int()
        wrapper = _ratio_of
    else:
        wrapper = None
    if wrapper is None and isinstance(obj, (str, bytes, int, Decimal)):
        # Any other method of text or numbers makes at most a few times what it was
        # given, and its result is held to the bounds before it goes further: chained
        # encode('utf-32').hex() grew 25 times a step, and int.from_bytes of that made
        # an integer Decimal() took a minute to read (security QA).
        wrapper = _result_within_bounds
    return wrapper(method, obj) if wrapper is not None else method


def _result_within_bounds(method: Callable[..., Any], _obj: Any) -> Callable[..., Any]:
    def checked(*args: Any, **named: Any) -> Any:
        return within_bounds(method(*args, **named))

    return checked


def within_bounds(value: Any) -> Any:
    """``value``, if it is within the bounds, as ``sized`` says, without counting it
    against the run's budget (it was made from what was counted)."""
    if _is_int(value):
        if value.bit_length() > MAX_INT_BITS:
            raise _too_costly("an integer this large")
    elif items_in(value) > MAX_ITEMS:
        raise _too_costly(f"a value of more than {MAX_ITEMS:,} items")
    return value
