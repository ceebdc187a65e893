"""Departments' places in the tree (identity/models.py)."""

import pytest

from onewindow.conftest import make_department

pytestmark = pytest.mark.django_db


def test_a_department_is_within_itself_and_its_ancestors_only():
    city = make_department(code="310000")
    police = make_department(code="310000-GA", parent=city)
    unit = make_department(code="310000-GA-CRJ", parent=police)
    # A code that begins with another's is not its unit: paths end in "/".
    lookalike = make_department(code="310000-GAX", parent=city)
    assert unit.is_within(police) and unit.is_within(city) and unit.is_within(unit)
    assert not police.is_within(unit)
    assert not lookalike.is_within(police)
    assert lookalike.is_within(city)
