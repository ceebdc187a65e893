"""The department file as ``manage.py bootstrap_city`` reads it (``department_tree``):
text the database cannot store, CSV files as spreadsheets save them, and the kinds of
departments checked against where they are. Each refusal names its place, and nothing
is written."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError

from onewindow.identity import demo_data, department_tree
from onewindow.identity.department_tree import TreeRejected
from onewindow.identity.models import Department
from onewindow.identity.tests.test_bootstrap import (
    EXAMPLE,
    ROOT_ROW,
    _bureau,
    _example,
    _load,
    _run,
    _write,
    _written,
)

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind,parent"


def _problems(path: Path) -> list[str]:
    with pytest.raises(TreeRejected) as refused:
        _load(path)
    return [str(problem) for problem in refused.value.fields["departments"]]


def _csv(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "departments.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- text the database cannot store ------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("name", "name holds a control character (U+0000): a name is one line of text"),
        ("name_en", "name_en holds a control character (U+0000)"),
        ("short_name", "short_name holds a control character (U+0000)"),
        ("short_name_en", "short_name_en holds a control character (U+0000)"),
        ("kind", "kind 'bu\\x00reau' is not one of city, bureau"),
        ("division_code", "division_code '310\\x00000' is not a code of 6, 9 or 12 digits"),
    ],
)
def test_a_nul_in_a_json_string_is_refused_on_its_row(tmp_path, field, expected):
    # PostgreSQL stores no NUL in text: written, it failed with a DataError (a traceback).
    bureau = _bureau("310000-GA", name_en="Police", short_name="公安", short_name_en="Police")
    bureau[field] = {
        "kind": "bu\x00reau",
        "division_code": "310\x00000",
    }.get(field, "a\x00b")
    [problem] = _problems(_write(tmp_path, [ROOT_ROW, bureau]))
    assert problem.startswith(f"departments[1] (310000-GA): {expected}"), problem
    assert _written() == (0, 0, 0, 0)


def test_a_nul_in_a_code_or_a_parent_is_refused_and_never_looked_up(tmp_path):
    rows = [
        ROOT_ROW,
        _bureau("310000\x00-GA", name="公安局"),
        _bureau("310000-SJ", parent="310000\x00"),
    ]
    assert _problems(_write(tmp_path, rows)) == [
        f"departments[1]: code '310000\\x00-GA' is not {department_tree.CODE_SHAPE}",
        f"departments[2] (310000-SJ): parent '310000\\x00' is not {department_tree.CODE_SHAPE}",
    ]
    assert _written() == (0, 0, 0, 0)


def test_a_nul_in_a_csv_cell_is_refused_on_its_line(tmp_path):
    path = _csv(tmp_path, HEADER, "310000,市政府,city,", "310000-GA,公安\x00局,bureau,310000")
    assert _problems(path) == [
        "line 3 (310000-GA): name holds a control character (U+0000): a name is one line of text"
    ]


def test_a_name_of_more_than_one_line_is_refused(tmp_path):
    path = _csv(tmp_path, HEADER, "310000,市政府,city,", '310000-GA,"公安\n局",bureau,310000')
    assert _problems(path) == [
        "line 4 (310000-GA): name holds a control character (U+000A): a name is one line of text"
    ]
    rows = [ROOT_ROW, _bureau("310000-GA", name_en="Public\tSecurity")]
    assert _problems(_write(tmp_path, rows)) == [
        "departments[1] (310000-GA): name_en holds a control character (U+0009): a name is "
        "one line of text"
    ]


def test_a_csv_cell_longer_than_the_reader_takes_is_refused_on_its_line(tmp_path):
    huge = "长" * 131_073
    path = _csv(tmp_path, HEADER, "310000,市政府,city,", f"310000-GA,{huge},bureau,310000")
    assert _problems(path) == ["line 3: a cell is longer than 131,072 characters"]


def test_the_command_lists_such_problems_even_in_a_dry_run(tmp_path):
    rows = [ROOT_ROW, _bureau("310000-GA", name="a\x00b", parent="310000\x00")]
    with pytest.raises(CommandError) as refused:
        _run("--departments", str(_write(tmp_path, rows)), "--dry-run")
    assert str(refused.value).splitlines() == [
        "The department file has problems; nothing was written.",
        "departments[1] (310000-GA): name holds a control character (U+0000): a name is one "
        "line of text",
        f"departments[1] (310000-GA): parent '310000\\x00' is not {department_tree.CODE_SHAPE}",
    ]
    huge = _csv(tmp_path, HEADER, f"310000,{'x' * 200_000},city,")
    with pytest.raises(CommandError, match="line 2: a cell is longer than 131,072 characters"):
        _run("--departments", str(huge), "--dry-run")
    assert _written() == (0, 0, 0, 0)


# --- CSV files as spreadsheets save them -------------------------------------------------


@pytest.mark.parametrize(("separator", "called"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_not_separated_by_commas_gets_one_problem(tmp_path, separator, called):
    path = _csv(
        tmp_path,
        separator.join(HEADER.split(",")),
        separator.join(["310000", "市政府", "city", ""]),
    )
    assert _problems(path) == [
        f"line 1: the file must be comma-separated, and its header has {called} between its "
        'columns: save it from the spreadsheet as "CSV UTF-8 (Comma delimited)"'
    ]


def test_a_row_with_fewer_or_more_cells_than_the_header_gets_that_one_problem(tmp_path):
    path = _csv(
        tmp_path,
        HEADER,
        "310000,市政府,city,",
        "310000-GA,公安局,bureau",  # the parent's comma left out
        "310000-SJ,市场监督管理局,某某,bureau,310000",  # a comma in the name, unquoted
        # Under a row that could not be read: not an "unknown parent" besides.
        "310000-GA-1,分局,bureau,310000-GA",
    )
    problems = _problems(path)
    assert problems[:2] == [
        "line 3 (310000-GA): fewer cells than the header has columns (3, not 4): an empty "
        "cell still needs its comma",
        "line 4 (310000-SJ): more cells than the header has columns (5, not 4): a cell "
        "holding a comma must be in double quotes",
    ]
    assert not any("unknown parent" in problem for problem in problems), problems


def test_rows_of_empty_cells_a_spreadsheet_leaves_are_skipped(tmp_path):
    path = _csv(tmp_path, HEADER, "310000,市政府,city,", "310000-GA,公安局,bureau,310000", ",,,")
    path.write_text(path.read_text(encoding="utf-8") + " , ,,\n,,,,,\n", encoding="utf-8")
    report = _load(path)
    assert [department.code for department in report.created] == ["310000", "310000-GA"]


def test_a_root_naming_itself_as_its_parent_gets_one_clear_problem(tmp_path):
    own = {**ROOT_ROW, "parent": "310000"}
    expected = (
        "departments[0] (310000): is its own parent: leave parent empty for the root, the "
        "city government"
    )
    assert _problems(_write(tmp_path, [own, _bureau("310000-GA")])) == [expected]
    _load(EXAMPLE)  # and again, with the root in the database
    assert _problems(_write(tmp_path, [own])) == [expected]


# --- kinds ----------------------------------------------------------------------------


def _row(code: str, kind: str, parent: str | None) -> dict[str, Any]:
    return {"code": code, "name": f"单位{code}", "kind": kind, "parent": parent}


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [ROOT_ROW, _row("310101", "district", "310000"), _row("310101001", "city", "310101")],
            "departments[2] (310101001): kind city is the root's alone, the city government: "
            "a department under another is one of bureau, district, district_bureau, street",
        ),
        (
            [ROOT_ROW, _row("310101001", "street", "310000")],
            "departments[1] (310101001): a street cannot be under 310000, a city: under a "
            "city go bureau and district",
        ),
        (
            [ROOT_ROW, _row("310000-GA", "district_bureau", "310000")],
            "departments[1] (310000-GA): a district_bureau cannot be under 310000, a city",
        ),
        (
            [ROOT_ROW, _row("310101", "district", "310000"), _row("310102", "district", "310101")],
            "departments[2] (310102): a district cannot be under 310101, a district: under a "
            "district go district_bureau and street",
        ),
        (
            [ROOT_ROW, _bureau("310000-GA"), _bureau("310000-GA1", parent="310000-GA")],
            "departments[2] (310000-GA1): a bureau cannot be under 310000-GA, a bureau: "
            "nothing goes under a bureau",
        ),
        (
            [_row("310000", "bureau", None), _bureau("310000-GA")],
            "departments[0] (310000): is the root, the city government: its kind is city, "
            "not bureau",
        ),
    ],
)
def test_a_kind_that_does_not_fit_where_the_department_is_is_refused(tmp_path, rows, expected):
    problems = _problems(_write(tmp_path, rows))
    assert any(problem.startswith(expected) for problem in problems), problems
    assert _written() == (0, 0, 0, 0)


def test_a_new_department_s_kind_is_checked_against_its_parent_in_the_database(tmp_path):
    _load(EXAMPLE)
    before = _written()
    street = _row("310000-GA01", "street", "310000-GA")
    assert _problems(_write(tmp_path, [street])) == [
        "departments[0] (310000-GA01): a street cannot be under 310000-GA, a bureau: nothing "
        "goes under a bureau (under the city go bureaus and districts, under a district its "
        "bureaus and streets)"
    ]
    assert _written() == before


def test_a_stored_department_s_kind_is_not_changed(tmp_path):
    _load(EXAMPLE)
    before = _written()
    rows = _example()
    for row in rows:
        if row["code"] == "310000-GA":
            row["kind"] = "district"
    assert _problems(_write(tmp_path, rows)) == [
        "departments[4] (310000-GA): is a bureau in the database, not a district: "
        "bootstrap_city changes no department's kind"
    ]
    assert _written() == before
    assert Department.objects.get(code="310000-GA").kind == "bureau"


def test_the_demo_city_s_tree_fits_the_kinds(tmp_path):
    # The demo loader writes its tree directly; the same tree from a file passes too.
    rows = [dataclasses.asdict(item) for item in demo_data.DEPARTMENTS]
    report = _load(_write(tmp_path, rows))
    assert len(report.created) == len(demo_data.DEPARTMENTS)


def test_the_example_file_fits_the_kinds():
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    report = _load(EXAMPLE)
    assert len(report.created) == len(document["departments"])
