"""A file's rows checked as a whole (``rows.check_rows``), with the problems found
reading the file (``rows.ReadRows``) reported among theirs."""

import pytest

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
