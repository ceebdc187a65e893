"""Restricted evaluation of the Python that process files contain.

Conditions on sequence flows, script tasks, DMN input and output entries, service task
parameters and timer expressions are Python source written by whoever uploads a
process. SpiffWorkflow would hand them to ``eval``/``exec``: a condition
``__import__('os').system(...)`` would run, and emptying ``__builtins__`` is not enough
(``().__class__.__base__.__subclasses__()`` reaches every class in the interpreter).

Here every expression is compiled by RestrictedPython, which rewrites attribute access,
item access, iteration and assignment into calls of guard functions, and refuses
names and attributes starting with ``_``. On top of that policy this module refuses
imports, ``while`` loops, class definitions and every builtin that is not on a short
whitelist, so ``open``, ``eval``, ``getattr`` or ``type`` fail when the file is
uploaded, not when a case reaches them. At run time the code sees only the whitelisted
builtins, the guards and the task data.

What an expression may cost in time and in the size of what it builds is bounded by
``sandbox_bounds``: the policy below rewrites the operators and literals that could make
a huge value into calls of its guards, and every run has a deadline.

This module does not import SpiffWorkflow: ``SandboxEnvironment`` has the three
methods of SpiffWorkflow's script environment, and ``engine.py`` plugs it in.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import operator
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.transformer import RestrictingNodeTransformer, T_pos_ast, copy_locations

from onewindow.workflow import sandbox_bounds as bounds

# Ranges are materialised by list(), sorted() and friends; a bound keeps a condition
# from allocating gigabytes. Processes iterate over a handful of items, never more.
RANGE_LIMIT = 10_000


# What the sandbox refuses in a source, for the uploader to be told in their language
# (``bundle.expression_problem``); RestrictedPython words its refusals in English only.
FORBIDDEN_NAME = "forbidden_name"  # a builtin off the whitelist, or a reserved name
PRIVATE_NAME = "private_name"  # a name starting with "_"
INTERNAL_ATTRIBUTE = "internal_attribute"  # "_..." or an interpreter internal (f_globals)
IMPORT = "import"
WHILE_LOOP = "while_loop"
CLASS_DEFINITION = "class_definition"
VARIADIC = "variadic"  # a function gathering its arguments (*args, **kwargs)
SYNTAX = "syntax"  # not Python at all
TOO_DEEP = "too_deep"  # nested past MAX_NESTING
OTHER = "other"  # another construct the policy refuses, named by its keyword


@dataclass(frozen=True)
class Refusal:
    kind: str
    name: str = ""  # the name, attribute, module or construct refused
    line: int | None = None
    column: int | None = None  # from 1


class SandboxError(ValueError):
    """Source that the sandbox refuses to compile. ``str()`` is RestrictedPython's own
    wording (English); ``refusals`` says what was refused, one entry per problem."""

    def __init__(self, message: str, refusals: tuple[Refusal, ...] = ()) -> None:
        super().__init__(message)
        self.refusals = refusals


def _limited_range(*args: int) -> range:
    result = range(*args)
    if len(result) > RANGE_LIMIT:
        raise ValueError(f"range() is limited to {RANGE_LIMIT} items in process expressions")
    return result


_SAFE_BUILTIN_NAMES = [
    "len",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "int",
    "float",
    "str",
    "bool",
    "list",
    "dict",
    "set",
    "tuple",
    "sorted",
    "any",
    "all",
    "enumerate",
    "zip",
]

_CONSTRUCTORS = ("list", "dict", "set", "tuple", "sorted")
SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES}
SAFE_BUILTINS.update(
    # What can make a huge value from small arguments, bounded (``sandbox_bounds``).
    # Collections' constructors, whose results are within the bounds.
    **{name: bounds.constructor(getattr(builtins, name)) for name in _CONSTRUCTORS},
    zip=bounds.limited_zip,
    sum=bounds.limited_sum,
    round=bounds.limited_round,
    str=bounds.limited_str,
    int=bounds.limited_int,
    range=_limited_range,
    datetime=datetime,
    date=date,
    timedelta=timedelta,
    Decimal=Decimal,
    # DMN tables drawn in Camunda Modeler write FEEL's lowercase booleans; accepting
    # them lets such tables load unchanged. Task data may still shadow them.
    true=True,
    false=False,
)

# Every Python builtin that is not whitelisted is refused by name at compile time, so
# the uploader learns at once that ``open`` or ``getattr`` cannot be used.
_FORBIDDEN_NAMES = frozenset(dir(builtins)) - set(SAFE_BUILTINS) - {"True", "False", "None"}

_INPLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": bounds.add,
    "-=": operator.sub,
    "*=": bounds.multiply,
    "/=": operator.truediv,
    "//=": operator.floordiv,
    "%=": bounds.modulo,
    "**=": bounds.power,
    "|=": operator.or_,
    "&=": operator.and_,
}


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    try:
        return _INPLACE_OPERATORS[op](target, value)
    except KeyError:
        raise SandboxError(f"operator {op} is not allowed") from None


def _write(target: Any) -> Any:
    """What an assignment to an item or attribute writes into: a list or dict with the
    size of what is assigned checked (``sandbox_bounds.Assigned``); anything else as
    RestrictedPython guards it (refused, unless it allows writes)."""
    if type(target) in (list, dict):
        return bounds.Assigned(target)
    return full_write_guard(target)


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def _getattr(obj: Any, name: str, default: Any = None) -> Any:
    """RestrictedPython's safer getattr, a method that can make a huge value from small
    arguments wrapped with its check (``sandbox_bounds.bounded_method``)."""
    return bounds.bounded_method(obj, name, safer_getattr(obj, name, default))


# The operators that can make a huge value from small operands: the guard each is
# rewritten into, and the function behind it.
_BOUNDED_OPERATORS: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("_add_", bounds.add),
    ast.Mult: ("_mul_", bounds.multiply),
    ast.Pow: ("_pow_", bounds.power),
    ast.LShift: ("_lshift_", bounds.shift_left),
    ast.Mod: ("_mod_", bounds.modulo),
}


# The names RestrictedPython's rewritten code calls. All start with "_", which
# restricted source can neither read nor assign, so a script cannot replace them.
_GUARDS: dict[str, Any] = {
    "_getattr_": _getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": _write,
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    # Called by the code the policy rewrites (``_Policy``): an operator or a literal
    # that could make a huge value.
    **{guard: function for guard, function in _BOUNDED_OPERATORS.values()},
    "_sized_": bounds.sized,
    "_shown_": bounds.shows,
}


# Python's keyword for a construct the policy refuses that has no refusal of its own.
_CONSTRUCTS = {
    "Try": "try",
    "TryStar": "except*",
    "AsyncFunctionDef": "async def",
    "AsyncFor": "async for",
    "AsyncWith": "async with",
    "Await": "await",
    "Nonlocal": "nonlocal",
    "Global": "global",
}
MAX_QUOTED_CHARS = 40  # of a refused construct without a keyword, quoted from the source


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus the refusals specific to process files."""

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in _FORBIDDEN_NAMES:
            self.error(node, f'"{node.id}" is not allowed in process expressions.')
        return super().visit_Name(node)

    def visit_Import(self, node: ast.Import) -> Any:
        self.error(node, "Import statements are not allowed.")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self.error(node, "Import statements are not allowed.")

    def visit_While(self, node: ast.While) -> Any:
        # Nothing can interrupt a running expression; an endless loop would hold the
        # database transaction and the worker. Iterate over data with ``for`` instead.
        self.error(node, "While loops are not allowed.")

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self.error(node, "Class definitions are not allowed.")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        self._refuse_gathering(node)
        return super().visit_FunctionDef(node)

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        self._refuse_gathering(node)
        return super().visit_Lambda(node)

    def _refuse_gathering(self, node: ast.FunctionDef | ast.Lambda) -> None:
        # The tuple or dict Python gathers them into escapes the bounds on size
        # (``sandbox_bounds``): ``f(x, x)`` would hold ``x`` twice, unchecked.
        if node.args.vararg is not None or node.args.kwarg is not None:
            self.error(node, "Functions taking *args or **kwargs are not allowed.")

    def visit_Try(self, node: ast.Try) -> Any:
        # What the bounds raise must end the run (``sandbox_bounds``): a caught timeout
        # left the script running with no deadline, Python having dropped the tracer.
        self.error(node, "try statements are not allowed.")

    # Bounds on size (``sandbox_bounds``): what could make a huge value calls a guard.

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        visited = super().visit_BinOp(node)
        bounded = _BOUNDED_OPERATORS.get(type(node.op))
        if bounded is None:
            return visited
        return _call(bounded[0], [node.left, node.right], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        spec = node.format_spec
        if isinstance(spec, ast.JoinedStr):
            if not all(isinstance(part, ast.Constant) for part in spec.values):
                # f"{x:>{n}}": a width computed at run time, unbounded.
                self.error(node, "A computed format specification is not allowed.")
            else:
                written = "".join(str(part.value) for part in spec.values)  # type: ignore[attr-defined]
                problem = bounds.format_spec_problem(written)
                if problem:
                    self.error(node, problem)
        node.value = _call("_shown_", [self.visit(node.value)], node.value)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> Any:
        return _call("_sized_", [super().visit_JoinedStr(node)], node)

    def _sized_literal(self, node: ast.expr, visited: Any) -> Any:
        if isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
            return _call("_sized_", [visited], node)
        return visited  # an assignment's target ("a, b = ...")

    def visit_List(self, node: ast.List) -> Any:
        return self._sized_literal(node, super().visit_List(node))

    def visit_Tuple(self, node: ast.Tuple) -> Any:
        return self._sized_literal(node, super().visit_Tuple(node))

    def visit_Set(self, node: ast.Set) -> Any:
        return _call("_sized_", [super().visit_Set(node)], node)

    def visit_Dict(self, node: ast.Dict) -> Any:
        return _call("_sized_", [super().visit_Dict(node)], node)

    def visit_ListComp(self, node: ast.ListComp) -> Any:
        return _call("_sized_", [super().visit_ListComp(node)], node)

    def visit_SetComp(self, node: ast.SetComp) -> Any:
        return _call("_sized_", [super().visit_SetComp(node)], node)

    def visit_DictComp(self, node: ast.DictComp) -> Any:
        return _call("_sized_", [super().visit_DictComp(node)], node)


def _call(guard: str, args: list[Any], where: ast.AST) -> ast.Call:
    """``guard(*args)``, placed where ``where`` was in the source."""
    call = ast.Call(func=ast.Name(guard, ast.Load()), args=args, keywords=[])
    copy_locations(call, where)  # type: ignore[arg-type]
    return call


class _Explaining(_Policy):
    """The same policy, recording each refusal as a ``Refusal`` (``refusals``, with
    where it is in the source), by the node refused. Walked only over a source the
    policy refused, to tell why; the code that runs is compiled with ``_Policy`` alone."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source  # to quote a refused construct that has no keyword
        self.refusals: list[tuple[tuple[int, ...], Refusal]] = []  # by where the node is
        self._checked_name: str | None = None  # the name ``check_name`` is judging

    def check_name(
        self, node: T_pos_ast, name: str | None, allow_magic_methods: bool = False
    ) -> None:
        self._checked_name = name
        try:
            super().check_name(node, name, allow_magic_methods)
        finally:
            self._checked_name = None

    def error(self, node: ast.AST, info: str) -> None:
        super().error(node, info)
        # Nodes are visited outside in ("a.__b__.__c__": "__c__" first); where each
        # ends puts them back in the order they are written.
        place = ("lineno", "col_offset", "end_lineno", "end_col_offset")
        self.refusals.append((tuple(getattr(node, n, 0) or 0 for n in place), self._refusal(node)))

    def _refusal(self, node: ast.AST) -> Refusal:
        kind, name = self._what(node)
        offset = getattr(node, "col_offset", None)
        column = None if offset is None else offset + 1
        return Refusal(kind, name, getattr(node, "lineno", None), column)

    def _what(self, node: ast.AST) -> tuple[str, str]:
        name = self._checked_name
        if name is not None:  # "_x", "printed", "x__roles__", wherever a name is bound
            return (PRIVATE_NAME if name.startswith("_") else FORBIDDEN_NAME), name
        if isinstance(node, ast.Name):
            return FORBIDDEN_NAME, node.id
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):  # exec(), eval()
            return FORBIDDEN_NAME, node.func.id
        if isinstance(node, ast.Attribute):
            return INTERNAL_ATTRIBUTE, node.attr
        if isinstance(node, ast.Import):
            return IMPORT, ", ".join(alias.name for alias in node.names)
        if isinstance(node, ast.ImportFrom):
            return IMPORT, node.module or "."
        if isinstance(node, ast.While):
            return WHILE_LOOP, ""
        if isinstance(node, ast.ClassDef):
            return CLASS_DEFINITION, node.name
        if isinstance(node, ast.FunctionDef):
            return VARIADIC, node.name
        if isinstance(node, ast.Lambda):
            return VARIADIC, "lambda"
        construct = _CONSTRUCTS.get(type(node).__name__)
        if construct is None:  # e.g. "items['a'] += 1", "[*x for x in y]": quoted
            quoted = (ast.get_source_segment(self.source, node) or "").strip()
            construct = quoted.splitlines()[0][:MAX_QUOTED_CHARS] if quoted else ""
        return OTHER, construct or type(node).__name__


def _refusals(source: str, mode: str) -> tuple[Refusal, ...]:
    """What the policy refuses in ``source``, each name once (``__import__`` is both a
    builtin off the whitelist and a name starting with "_": one problem)."""
    try:
        tree = ast.parse(source, filename=bounds.SOURCE_FILENAME, mode=mode)
    except SyntaxError as exc:
        column = exc.offset if exc.offset and exc.offset > 0 else None
        return (Refusal(SYNTAX, line=exc.lineno, column=column),)
    policy = _Explaining(source=source)
    policy.visit(tree)
    seen: set[tuple[str, str, int | None]] = set()
    found = []
    for _place, refusal in sorted(policy.refusals, key=lambda found: found[0]):
        # A name refused twice on a line is one problem, whichever rule said it first.
        key = ("", refusal.name, refusal.line) if refusal.name else (refusal.kind, "", refusal.line)
        if key not in seen:
            seen.add(key)
            found.append(refusal)
    return tuple(found)


# Levels of the syntax tree one expression or script may nest: operators in a chain
# ("a + b + c" is two), brackets, calls and blocks within one another. RestrictedPython's
# pass recurses some five Python frames a level, so past about 190 levels it met Python's
# recursion limit (a RecursionError, told the uploader by its class name alone), sooner
# the deeper the stack it is called from. A hundred leaves that room whether it compiles
# at upload or in a worker's run, and is far above what a process file writes.
MAX_NESTING = 100


def _nesting_refusal(source: str, mode: str) -> Refusal | None:
    """A refusal when ``source`` nests past ``MAX_NESTING``, measured without
    recursion; None otherwise, and for a source that does not parse (the policy's own
    pass names the syntax error)."""
    try:
        tree = ast.parse(source, filename=bounds.SOURCE_FILENAME, mode=mode)
    except SyntaxError:
        return None
    except (RecursionError, MemoryError):  # CPython's own parser gave up on the depth
        return Refusal(TOO_DEEP)
    pending: list[tuple[ast.AST, int, int | None]] = [(tree, 0, None)]
    while pending:
        node, depth, line = pending.pop()
        line = getattr(node, "lineno", line)  # a context (Load, Store) has none of its own
        if depth > MAX_NESTING:
            return Refusal(TOO_DEEP, line=line)
        pending.extend((child, depth + 1, line) for child in ast.iter_child_nodes(node))
    return None


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> CodeType:
    # Keyed by source text: the same condition is evaluated for every case, and
    # compiling through RestrictedPython's AST pass costs far more than running it.
    if (too_deep := _nesting_refusal(source, mode)) is not None:
        raise SandboxError(f"nested more than {MAX_NESTING} levels deep", refusals=(too_deep,))
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    # "<string>" is the file name SpiffWorkflow looks for to report the failing line,
    # and the deadline's tracer to tell the sandboxed code from the rest.
    result = compiler(source, filename=bounds.SOURCE_FILENAME, policy=_Policy)
    if result.errors or result.code is None:
        # RestrictedPython words its refusals in English only: the same policy walks the
        # source again to record what it refused (an upload's error path, not a run's).
        raise SandboxError(
            "; ".join(result.errors) or "cannot compile", refusals=_refusals(source, mode)
        )
    return result.code


def compile_expression(source: str) -> CodeType:
    return _compile(source.strip(), "eval")


def compile_script(source: str) -> CodeType:
    return _compile(source, "exec")


# The modules Python's own C code imports to format and read dates (``strftime``,
# ``f"{day:%Y}"``, ``strptime``), through the ``__import__`` of the running code's
# builtins: without one, dates could not be formatted at all ("KeyError: '__import__'",
# security QA). Process code never reaches it: a name with an underscore and the import
# statement are refused when it is compiled.
_C_IMPORTS = frozenset({"time", "_strptime"})


def _c_level_import(
    name: str,
    globals: Any = None,  # __import__'s own parameter names
    locals: Any = None,
    fromlist: Any = (),
    level: int = 0,
) -> Any:
    if name not in _C_IMPORTS or level != 0:
        raise ImportError(f"{name} cannot be imported in a process expression")
    return importlib.import_module(name)


_RUNNING_BUILTINS: dict[str, Any] = {**SAFE_BUILTINS, "__import__": _c_level_import}


def _namespace(context: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__builtins__": _RUNNING_BUILTINS, **_GUARDS}
    namespace.update(external or {})
    namespace.update(context)
    return namespace


def evaluate(
    expression: str, context: Mapping[str, Any], external: Mapping[str, Any] | None = None
) -> Any:
    """The value of ``expression`` with the task data (and ``external``) as variables."""
    code = compile_expression(expression)
    with bounds.BoundedRun():
        return eval(code, _namespace(context, external))  # noqa: S307


def execute(
    script: str, context: MutableMapping[str, Any], external: Mapping[str, Any] | None = None
) -> None:
    """Run ``script`` and write the variables it leaves behind back into ``context``.

    Functions, classes and anything else callable stay behind: task data must remain
    plain data that serializes to JSON.
    """
    namespace = _namespace(context, external)
    code = compile_script(script)
    with bounds.BoundedRun():
        exec(code, namespace)  # noqa: S102
    hidden = {"__builtins__", *_GUARDS, *(external or {})}
    result = {
        # Stored with the run as JSON, which repeats what a value shares.
        name: bounds.sized(value)
        for name, value in namespace.items()
        if name not in hidden and not callable(value)
    }
    context.clear()
    context.update(result)


class SandboxEnvironment:
    """SpiffWorkflow's script environment interface (``evaluate``, ``execute``,
    ``call_service``) over the restricted compiler. Service calls are the script
    engine's business (see ``engine.py``), never the environment's."""

    def __init__(self, environment_globals: Mapping[str, Any] | None = None) -> None:
        self.globals: dict[str, Any] = dict(environment_globals or {})

    def evaluate(
        self,
        expression: str,
        context: Mapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> Any:
        return evaluate(expression, context, {**self.globals, **(external_context or {})})

    def execute(
        self,
        script: str,
        context: MutableMapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> bool:
        execute(script, context, {**self.globals, **(external_context or {})})
        return True

    def call_service(self, context: Mapping[str, Any], **kwargs: Any) -> Any:
        raise NotImplementedError("service tasks are dispatched by the script engine")
