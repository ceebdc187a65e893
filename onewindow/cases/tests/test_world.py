"""The ``world`` fixture writes back a snapshot of the demo city built once per process;
the copy must be what building it again gives, so the suite tests what it means to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from onewindow.audit.verification import verify_chain
from onewindow.cases.tests.conftest import build_world
from onewindow.core import testing
from onewindow.identity.demo_data import DEMO_PASSWORD
from onewindow.identity.models import User

# Salted password hashes differ between two builds, and so do the audit chain's hashes,
# which cover its events' times.
SALTED = {"password", "hash", "prev_hash"}


def _contents() -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows with times and hashes blanked: two builds differ only in those."""
    contents = {}
    for model in testing.all_tables():
        names = testing.field_names(model)
        contents[model._meta.label] = [
            tuple(
                None if isinstance(value, datetime) or name in SALTED else value
                for name, value in zip(names, row, strict=True)
            )
            for row in testing.rows_of(model)
        ]
    return contents


def test_the_world_copy_is_what_building_it_gives(db: None, world_snapshot: Any) -> None:
    with transaction.atomic():
        testing.restore(world_snapshot)
        copied = _contents()
        assert verify_chain() == []
        transaction.set_rollback(True)
    with transaction.atomic():
        # PostgreSQL's sequences do not roll back: without this the build's ids would differ.
        testing.reset_sequences(testing.all_tables())
        build_world()
        built = _contents()
        transaction.set_rollback(True)
    assert copied == built
    assert len(copied["identity.User"]) > 20


def test_the_world_fixture_gives_the_demo_people(world: dict[str, User]) -> None:
    assert set(world) == set(User.objects.values_list("username", flat=True))
    assert world["ga.review"].check_password(DEMO_PASSWORD)
