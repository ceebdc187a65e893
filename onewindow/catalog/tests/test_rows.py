"""A file's rows checked as a whole (``rows.check_rows``), with the problems found
reading the file (``rows.ReadRows``) reported among theirs."""

import pytest
from django.utils import translation

from onewindow.catalog import rows
from onewindow.catalog.rows import ImportRejected, ReadRows, RowError
from onewindow.catalog.tests.conftest import item_row

pytestmark = pytest.mark.django_db

UNREAD = RowError(2, "offices", "Not valid JSON.", rows.ITEMS_SHEET)
ORPHAN = RowError(7, "item_code", "No item of the items sheet has this code.", "materials")


def read_file() -> ReadRows:
    """Row 2 good but for a cell not read; row 3 with a bad code; a material of no row."""
    good = item_row(code="310000-GA-QR-0101", department="310000-GA", name="x", name_en="x")
    return ReadRows(
        [{**good, "_row": 2}, {**good, "code": "X", "_row": 3}],
        # Given out of order: each is reported where its position says.
        [(2, ORPHAN), (0, UNREAD)],
    )


def test_the_problems_of_reading_are_reported_with_their_rows_and_those_of_no_row_last(
    catalog_departments,
):
    checked, problems = rows.check_rows(actor=None, rows=read_file(), first_row=1)
    assert [(position, p.sheet, p.row, p.field) for position, p in problems] == [
        (0, "items", 2, "offices"),
        (1, "items", 3, "code"),
        (2, "materials", 7, "item_code"),
    ]
    # A row not read whole is checked as far as it was read, and marked so.
    assert [(row.position, row.complete) for row in checked] == [(0, False)]


def test_a_row_not_read_whole_refuses_the_rows_though_it_passes_otherwise(catalog_departments):
    good = item_row(code="310000-GA-QR-0101", department="310000-GA", name="x", name_en="x")
    with pytest.raises(ImportRejected) as rejected:
        rows.validate_rows(actor=None, rows=ReadRows([{**good, "_row": 2}], [(0, UNREAD)]))
    assert rejected.value.rows == [UNREAD]


def test_a_plain_list_of_rows_has_no_problems_of_reading(catalog_departments):
    good = item_row(code="310000-GA-QR-0101", department="310000-GA", name="x", name_en="x")
    [(item, _refs)] = rows.validate_rows(actor=None, rows=[good])
    assert item.code == "310000-GA-QR-0101"


def test_a_row_failing_its_own_checks_has_its_codes_looked_up_too(catalog_departments):
    """Every problem of a row in one round: a bad cell does not hide an unknown code."""
    row = item_row(
        code="310000-XX-QR-0101",
        department="310000-XX",
        name="x",
        name_en="x",
        topics=("no-such-topic",),
        statutory_limit_days="soon",
        materials=[
            "not an object",
            {"name": "证明", "source": "department", "source_department": "310000-YY"},
        ],
    )
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        rows.validate_rows(actor=None, rows=[row])
    fields = {problem.field: problem.message for problem in rejected.value.rows}
    assert fields["statutory_limit_days"] == "Must be a whole number."
    assert fields["department"] == "Unknown department code 310000-XX."
    assert fields["topics"] == "Unknown topic no-such-topic."
    assert fields["materials[1].source_department"] == "Unknown department code 310000-YY."
    assert "materials[0]" in fields  # not an object: nothing of it to look up


def test_a_row_without_a_department_is_not_told_its_empty_code_is_unknown(catalog_departments):
    row = item_row(code="310000-GA-QR-0101", department="", name="x", name_en="x")
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        rows.validate_rows(actor=None, rows=[row, {**row, "department": "310000-GA"}])
    assert [(p.row, p.field, p.message) for p in rejected.value.rows] == [
        (1, "department", "This field is required."),
        (2, "code", "Duplicate of row 1."),
    ]
