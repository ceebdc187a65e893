"""``__any``: the same rows as ``__in``, sent as one array parameter on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.conftest import make_department, make_user
from onewindow.identity.models import Department, RoleAssignment, User
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db


def test_it_finds_what_in_finds_and_leaves_none_out():
    users = [make_user() for _ in range(5)]
    wanted: list[Any] = [users[0].pk, users[3].pk, None, users[4].pk]
    found = set(User.objects.filter(pk__any=wanted).values_list("pk", flat=True))
    assert found == set(User.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert found == {users[0].pk, users[3].pk, users[4].pk}


def test_an_empty_list_matches_nothing_without_a_query():
    make_user()
    with CaptureQueriesContext(connection) as queries:
        assert list(User.objects.filter(pk__any=[])) == []
        assert list(User.objects.filter(pk__any=[None])) == []
    assert len(queries) == 0


def test_it_follows_a_foreign_key_and_updates():
    police = make_department(code="310000-GA")
    tax = make_department(code="310000-SW")
    officer = make_user(roles=[(Role.REVIEWING_OFFICER, police)])
    make_user(roles=[(Role.REVIEWING_OFFICER, tax)])
    held = RoleAssignment.objects.filter(department__any={police.pk})
    assert list(held.values_list("user", flat=True)) == [officer.pk]
    assert Department.objects.filter(pk__any=(police.pk, tax.pk)).update(name="x") == 2


def test_postgresql_gets_one_array_parameter_for_any_number_of_ids():
    users = [make_user() for _ in range(3)]
    ids = [user.pk for user in users] + list(range(10**6, 10**6 + 5000))
    with CaptureQueriesContext(connection) as queries:
        assert User.objects.filter(pk__any=ids).count() == 3
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql


def test_a_string_is_refused():
    with pytest.raises(TypeError, match="integer ids"):
        list(User.objects.filter(pk__any="123"))
