from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from onewindow.workflow import sandbox
from onewindow.workflow.sandbox import SandboxError

ESCAPES = [
    "__import__('os').system('touch {pwned}')",
    "().__class__.__base__.__subclasses__()",
    "[c for c in ().__class__.__bases__[0].__subclasses__()]",
    "open('{pwned}', 'w').write('x')",
    "eval(\"__import__('os').system('touch {pwned}')\")",
    "exec('import os')",
    "getattr((), '__class__')",
    "type(())",
    "globals()",
    "vars()",
    "compile('1', 'x', 'eval')",
    "(lambda: 1).__globals__",
    "f'{{amount.__class__}}'",
    "breakpoint()",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escapes_are_refused_at_compile_time(source: str, tmp_path: Path) -> None:
    pwned = tmp_path / "pwned"
    with pytest.raises(SandboxError):
        sandbox.evaluate(source.format(pwned=pwned), {"amount": 1})
    assert not pwned.exists()


@pytest.mark.parametrize(
    "script",
    [
        "import os\nos.system('true')",
        "from os import system",
        "while True:\n    pass",
        "class A:\n    pass",
        "x = 1\n_hidden = 2",
    ],
)
def test_scripts_refuse_imports_loops_classes_and_private_names(script: str) -> None:
    with pytest.raises(SandboxError):
        sandbox.execute(script, {})


def test_format_cannot_reach_attributes_hidden_in_a_string() -> None:
    # Compiles (the dunder is inside a string) but the guarded getattr refuses format().
    with pytest.raises(NotImplementedError):
        sandbox.evaluate("'{0.__class__.__base__}'.format(x)", {"x": 1})


def test_unknown_names_fail_at_run_time() -> None:
    with pytest.raises(NameError):
        sandbox.evaluate("os.getcwd()", {})


def test_ranges_are_bounded() -> None:
    assert sandbox.evaluate("len(list(range(100)))", {}) == 100
    with pytest.raises(ValueError, match="limited"):
        sandbox.evaluate("list(range(10**9))", {})


def test_attribute_writes_on_objects_are_refused() -> None:
    with pytest.raises(TypeError):
        sandbox.execute("when.year = 1999", {"when": datetime(2024, 1, 1)})


def test_expressions_see_task_data_and_safe_builtins() -> None:
    data = {"amount": 60000, "outcome": "approve", "ages": [3, 40], "applicant": {"age": 17}}
    assert sandbox.evaluate("amount > 50000 and outcome == 'approve'", data) is True
    assert sandbox.evaluate("applicant['age'] < 18", data) is True
    assert sandbox.evaluate("min(ages) + max(ages)", data) == 43
    assert sandbox.evaluate("sorted(set(ages), reverse=True)", data) == [40, 3]
    assert sandbox.evaluate("any(a < 18 for a in ages) and all(a > 0 for a in ages)", data)
    assert sandbox.evaluate("[i for i, a in enumerate(ages) if a > 10]", data) == [1]
    assert sandbox.evaluate("dict(zip(['a', 'b'], ages))", data) == {"a": 3, "b": 40}
    assert sandbox.evaluate("round(Decimal('1.25') * 2, 1)", {}) == Decimal("2.5")
    assert sandbox.evaluate("'%s-%d' % ('a', 1)", {}) == "a-1"
    assert sandbox.evaluate("true and not false", {}) is True


def test_external_context_is_visible_but_not_written_back() -> None:
    data = {"amount": 5}
    sandbox.execute("doubled = amount * factor", data, {"factor": 2})
    assert data == {"amount": 5, "doubled": 10}


def test_scripts_write_plain_data_back_and_drop_functions() -> None:
    data = {"items": {"a": 1, "b": 2}}
    sandbox.execute(
        "total = 0\n"
        "for key, value in items.items():\n"
        "    total += value\n"
        "def helper(x):\n"
        "    return x\n"
        "due = datetime(2025, 1, 1) + timedelta(days=helper(1))\n"
        "items['c'] = 3\n"
        "del items['a']\n",
        data,
    )
    assert data["total"] == 3
    assert data["due"] == datetime(2025, 1, 2)
    assert data["items"] == {"b": 2, "c": 3}
    assert "helper" not in data
    assert "key" in data  # loop variables stay, as in plain Python


def test_compiled_code_is_cached_by_source() -> None:
    first = sandbox.compile_expression("amount + 1")
    assert sandbox.compile_expression("amount + 1") is first
    assert sandbox.compile_expression("  amount + 1 ") is first


def test_environment_speaks_spiffworkflows_interface() -> None:
    environment = sandbox.SandboxEnvironment({"limit": 10})
    data = {"amount": 3}
    assert environment.evaluate("amount < limit", data) is True
    assert environment.execute("amount = amount + limit", data) is True
    assert data == {"amount": 13}
    with pytest.raises(NotImplementedError):
        environment.call_service(data, operation_name="x")


def test_dates_can_be_formatted_and_read() -> None:
    """Python's C code imports ``time`` and ``_strptime`` through the running code's
    builtins: without an ``__import__`` there, no date could be formatted (security
    QA: "KeyError: '__import__'")."""
    day = {"d": date(2026, 12, 1)}
    assert sandbox.evaluate('f"{d:%Y}年{d:%m}月"', day) == "2026年12月"
    assert sandbox.evaluate('d.strftime("%Y-%m-%d")', day) == "2026-12-01"
    read = sandbox.evaluate('datetime.strptime("2026-12-01 09:30", "%Y-%m-%d %H:%M")', {})
    assert read == datetime(2026, 12, 1, 9, 30)


def test_the_import_dates_need_imports_nothing_else() -> None:
    importer = sandbox._RUNNING_BUILTINS["__import__"]
    for name in ("os", "sys", "builtins", "importlib", "time.os"):
        with pytest.raises(ImportError):
            importer(name)
    with pytest.raises(ImportError):
        importer("time", level=1)
    # Process code never names it: refused when compiled, as before.
    with pytest.raises(SandboxError):
        sandbox.compile_expression('__import__("time")')
    assert "__import__" not in sandbox.SAFE_BUILTINS


def test_timedelta_arithmetic() -> None:
    assert sandbox.evaluate("timedelta(hours=2) * 2", {}) == timedelta(hours=4)


@pytest.mark.parametrize(
    ("source", "mode", "expected"),
    [
        # A builtin off the whitelist that also starts with "_" is one refusal, not two.
        ("__import__('os').system('x')", "eval", [(sandbox.FORBIDDEN_NAME, "__import__")]),
        ("open('/etc/passwd').read()", "eval", [(sandbox.FORBIDDEN_NAME, "open")]),
        ("exec('import os')", "eval", [(sandbox.FORBIDDEN_NAME, "exec")]),
        ("breakpoint()", "eval", [(sandbox.FORBIDDEN_NAME, "breakpoint")]),
        # In the order they are written, though the compiler meets them outside in.
        (
            "().__class__.__base__.__subclasses__()",
            "eval",
            [
                (sandbox.INTERNAL_ATTRIBUTE, "__class__"),
                (sandbox.INTERNAL_ATTRIBUTE, "__base__"),
                (sandbox.INTERNAL_ATTRIBUTE, "__subclasses__"),
            ],
        ),
        ("g.gi_frame", "eval", [(sandbox.INTERNAL_ATTRIBUTE, "gi_frame")]),
        ("lambda _x: 1", "eval", [(sandbox.PRIVATE_NAME, "_x")]),
        ("x = 1\n_hidden = 2", "exec", [(sandbox.PRIVATE_NAME, "_hidden")]),
        ("import os, sys", "exec", [(sandbox.IMPORT, "os, sys")]),
        ("from os import system", "exec", [(sandbox.IMPORT, "os")]),
        ("while True:\n    pass", "exec", [(sandbox.WHILE_LOOP, "")]),
        ("class A:\n    pass", "exec", [(sandbox.CLASS_DEFINITION, "A")]),
        ("x.y += 1", "exec", [(sandbox.OTHER, "x.y += 1")]),
        ("amount >", "eval", [(sandbox.SYNTAX, "")]),
    ],
)
def test_each_refusal_says_what_was_refused(source: str, mode: str, expected: list) -> None:
    compile_ = sandbox.compile_expression if mode == "eval" else sandbox.compile_script
    with pytest.raises(SandboxError) as caught:
        compile_(source)
    assert [(r.kind, r.name) for r in caught.value.refusals] == expected


def test_refusals_carry_their_line_and_column() -> None:
    with pytest.raises(SandboxError) as caught:
        sandbox.compile_script("total = 1\nif total:\n    x = open('f')\n")
    [refusal] = caught.value.refusals
    assert (refusal.line, refusal.column) == (3, 9)
    with pytest.raises(SandboxError) as caught:
        sandbox.compile_expression("amount > > 5")
    [syntax] = caught.value.refusals
    assert (syntax.kind, syntax.line, syntax.column) == (sandbox.SYNTAX, 1, 10)


def test_sources_that_compile_never_meet_the_explaining_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The policy that records refusals walks refused sources only, after the fact: what
    runs is compiled by RestrictedPython with the plain policy."""

    def walked(*args: object) -> None:
        raise AssertionError("the explaining policy walked a source that compiles")

    monkeypatch.setattr(sandbox._Explaining, "visit", walked)
    assert sandbox.evaluate("amount * 2 + 17", {"amount": 21}) == 59
    with pytest.raises(AssertionError, match="explaining policy"):
        sandbox.compile_expression("open('f') and 17")


def _chain(terms: int) -> str:
    """``x + x + … + x``: each "+" nests the sum so far one level deeper."""
    return " + ".join(["x"] * terms)


def _called_from_deep(depth: int, call):  # type: ignore[no-untyped-def]
    """``call()`` with ``depth`` more frames on the stack, as a run inside a worker's
    engine has."""
    return call() if depth == 0 else _called_from_deep(depth - 1, call)


def test_a_deep_chain_within_the_nesting_bound_compiles_even_from_a_deep_stack() -> None:
    source = _chain(sandbox.MAX_NESTING - 2)  # the names and their context: two levels more
    assert _called_from_deep(300, lambda: sandbox.evaluate(source, {"x": 1})) == (
        sandbox.MAX_NESTING - 2
    )


@pytest.mark.parametrize(
    "source",
    [
        _chain(sandbox.MAX_NESTING + 1),
        _chain(5_000),  # once a RecursionError, told the uploader by its class name alone
        "-" * 1_000 + "1",
        "f" + "(1)" * 1_000,
        "a" + ".b" * 1_000,
    ],
)
def test_a_source_nested_past_the_bound_is_refused_as_such(source: str) -> None:
    with pytest.raises(SandboxError) as caught:
        _called_from_deep(300, lambda: sandbox.compile_expression(source))
    assert [r.kind for r in caught.value.refusals] == [sandbox.TOO_DEEP]


def test_a_script_nested_past_the_bound_is_refused_with_its_line() -> None:
    with pytest.raises(SandboxError) as caught:
        sandbox.compile_script(f"total = 1\nfee = {_chain(200)}\n")
    [refusal] = caught.value.refusals
    assert (refusal.kind, refusal.line) == (sandbox.TOO_DEEP, 2)
