"""The site's paginator: a number below 1 is the first page, one past the end the last,
anything not a number the first."""

from __future__ import annotations

import pytest

from onewindow.core.paging import Paginator

IN_RANGE_OR_OUT = [("0", 1), ("-1", 1), ("-99", 1), ("1", 1), ("2", 2), ("3", 3), ("99", 3)]
NOT_NUMBERS = [("", 1), ("x", 1), (None, 1), ("1.5", 1)]


@pytest.mark.parametrize(("asked", "shown"), [*IN_RANGE_OR_OUT, *NOT_NUMBERS])
def test_a_page_out_of_range_is_the_nearest_end(asked, shown):
    page = Paginator(list(range(25)), 10).get_page(asked)
    assert page.number == shown
