"""Snapshots of what a fixture's builder wrote, written back without building again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from onewindow.conftest import make_department, make_user
from onewindow.core import testing
from onewindow.identity.models import Department, User

BUILT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_restore_writes_back_the_rows_added_and_the_rows_changed(db: None) -> None:
    kept = make_department(code="310000", name="市政府")

    def build() -> None:
        make_department(code="310000-GA", name="公安局", parent=kept)
        Department.objects.filter(pk=kept.pk).update(name="上海市人民政府")

    snapshot = testing.capture(build)
    assert list(Department.objects.values_list("code", "name")) == [("310000", "市政府")]

    testing.restore(snapshot)

    police = Department.objects.get(code="310000-GA")
    assert police.parent == kept
    assert Department.objects.get(pk=kept.pk).name == "上海市人民政府"
    assert make_department(code="310000-SJ").pk > police.pk


def test_restored_rows_keep_the_values_they_were_built_with(db: None) -> None:
    with time_machine.travel(BUILT, tick=False):
        snapshot = testing.capture(lambda: make_user(username="built"))

    testing.restore(snapshot)

    assert User.objects.get(username="built").date_joined == BUILT


def test_a_snapshot_on_another_holds_what_its_builder_added_to_it(db: None) -> None:
    base = testing.capture(lambda: make_department(code="310000", name="市政府"))
    police = testing.capture(
        lambda: make_department(
            code="310000-GA", name="公安局", parent=Department.objects.get(code="310000")
        ),
        on=base,
    )
    assert not Department.objects.exists()

    testing.restore(base)
    testing.restore(police)

    assert Department.objects.get(code="310000-GA").parent == Department.objects.get(code="310000")


def test_a_builder_that_deletes_rows_is_refused(db: None) -> None:
    gone = make_department(code="310000")

    with pytest.raises(ValueError, match="deleted rows"):
        testing.capture(lambda: Department.objects.filter(pk=gone.pk).delete())

    assert Department.objects.filter(pk=gone.pk).exists()
