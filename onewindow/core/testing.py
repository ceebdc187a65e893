"""Helpers shared by the test suites of every app."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.management.color import no_style
from django.db import connection, models, transaction


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the smallest cost, so the suite can create hundreds of users."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1


@dataclass(frozen=True)
class Rows:
    """One model's rows as tuples of its concrete fields' values, in field order."""

    model: type[models.Model]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Snapshot:
    """What a builder wrote to the database: the rows it added and the rows it changed."""

    added: tuple[Rows, ...]
    changed: tuple[Rows, ...]


def capture(build: Callable[[], object], *, on: Snapshot | None = None) -> Snapshot:
    """Run ``build`` in a transaction that is rolled back, and keep what it wrote.

    For fixtures that build the same large world for hundreds of tests: ``restore`` writes
    it back with one INSERT per table instead of running the builder's ORM calls again.
    A builder that deletes rows cannot be captured this way and is refused. With ``on``,
    the builder runs on that snapshot's rows, and the new snapshot holds only what it
    added or changed: restore ``on``, then it.
    """
    tables = all_tables()
    with transaction.atomic():
        if on is not None:
            restore(on)
        # Ids start after the rows that stay, wherever earlier work left PostgreSQL's
        # sequences (they do not roll back), so a snapshot holds the ids a build here gives.
        reset_sequences(tables)
        before = {model: _rows_by_pk(model) for model in tables}
        build()
        after = {model: _rows_by_pk(model) for model in tables}
        transaction.set_rollback(True)
    added, changed = [], []
    for model in tables:
        old, new = before[model], after[model]
        gone = old.keys() - new.keys()
        if gone:
            raise ValueError(f"{model._meta.label}: the builder deleted rows {sorted(gone)[:5]}")
        if fresh := tuple(row for pk, row in new.items() if pk not in old):
            added.append(Rows(model, fresh))
        if edited := tuple(row for pk, row in new.items() if pk in old and old[pk] != row):
            changed.append(Rows(model, edited))
    return Snapshot(added=tuple(added), changed=tuple(changed))


def restore(snapshot: Snapshot) -> None:
    """Write a captured snapshot into the current database, in one transaction.

    Rows go in raw, as stored (no ``auto_now``, no ``save()``, no signals), with their
    primary keys; PostgreSQL's sequences are then moved past them (SQLite's move by
    themselves).
    """
    with transaction.atomic():
        for rows in snapshot.added:
            _insert(rows)
        for rows in snapshot.changed:
            _update(rows)
        reset_sequences([rows.model for rows in snapshot.added])


def reset_sequences(tables: list[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences to just past the tables' rows (nothing on SQLite,
    whose sequences follow the rows and roll back with them)."""
    statements = connection.ops.sequence_reset_sql(no_style(), tables)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def all_tables() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def field_names(model: type[models.Model]) -> list[str]:
    """The columns of the model's rows, in the order ``rows_of`` gives their values."""
    return [field.attname for field in model._meta.concrete_fields]


def rows_of(model: type[models.Model]) -> list[tuple[Any, ...]]:
    """Every row of the model's table as stored, in primary-key order."""
    return list(model._base_manager.values_list(*field_names(model)).order_by("pk"))


def _rows_by_pk(model: type[models.Model]) -> dict[Any, tuple[Any, ...]]:
    at = field_names(model).index(model._meta.pk.attname)
    return {row[at]: row for row in rows_of(model)}


def _insert(rows: Rows) -> None:
    fields = rows.model._meta.concrete_fields
    # Positional arguments fill the concrete fields in order, the way rows are loaded.
    objects = [rows.model(*row) for row in rows.rows]
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    queryset = rows.model._base_manager.all()
    for start in range(0, len(objects), size):
        # The raw insert loaddata makes (save_base(raw=True)), many rows per statement;
        # bulk_create would run pre_save and stamp auto_now fields with the time of the copy.
        queryset._insert(  # type: ignore[attr-defined]
            objects[start : start + size], fields=fields, raw=True
        )


def _update(rows: Rows) -> None:
    names = [field.attname for field in rows.model._meta.concrete_fields]
    pk = rows.model._meta.pk.attname
    for row in rows.rows:
        values = dict(zip(names, row, strict=True))
        rows.model._base_manager.filter(pk=values.pop(pk)).update(**values)


def rows_read(model: type[models.Model]) -> int:
    """The rows of ``model``'s table this transaction has read so far, by any scan
    (PostgreSQL's own counters): a query that should reach a few rows, asked the
    same, reaches few however large the table is. Run ``ANALYZE`` on the table after
    filling it, so the planner knows its size, as autovacuum would have told it."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_returned(%s::regclass)"
            " + pg_stat_get_xact_tuples_fetched(%s::regclass)",
            [table, table],
        )
        return int(cursor.fetchone()[0])


def table_regions(html: str | bytes) -> list[str]:
    """The names of a page's tables, as the regions they scroll in give them: checks that
    each table (but a stacked one, which never scrolls) is in a ``{% table_scroll %}``
    box the keyboard reaches, named by its caption or the heading over it."""
    import lxml.html

    page = lxml.html.fromstring(html)
    names = []
    for table in page.xpath("//main//table[not(contains(@class, 'stacked'))]"):
        box = table.getparent()
        assert box.get("class") == "table-scroll", lxml.html.tostring(table)[:80]
        assert (box.get("role"), box.get("tabindex")) == ("region", "0")
        [name] = page.xpath("//*[@id=$id]", id=box.get("aria-labelledby"))
        # Its caption, or a heading before it; either names the table alone.
        assert name in table.xpath("caption") or name.tag in {"h2", "h3"}, name.tag
        names.append(" ".join(name.text_content().split()))
    return names


def chinese_in(element: Any) -> list[str]:
    """The texts under ``element`` (an lxml element) marked as Chinese
    (``lang="zh-Hans"``, as ``localized_marked`` and ``chinese_marked`` mark them), in
    order, their spaces collapsed."""
    return [" ".join(e.text_content().split()) for e in element.xpath(".//*[@lang='zh-Hans']")]


def on_english_page(language: str, *texts: str) -> list[str]:
    """What ``chinese_in`` finds where a page shows ``texts``, Chinese: all of them on an
    English page; nothing on a Chinese one, which is Chinese as a whole (``<html
    lang="zh-Hans">``)."""
    return list(texts) if language == "en" else []


@contextmanager
def s3_server(bucket: str) -> Iterator[dict[str, str]]:
    """A local S3-compatible server (moto's, over HTTP on a free port) holding an empty
    ``bucket``; yields the ``ONEWINDOW_S3_*`` settings that reach it, as the production
    profile reads them (``storage=s3``)."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        env = {
            "ONEWINDOW_STORAGE": "s3",
            "ONEWINDOW_S3_BUCKET": bucket,
            "ONEWINDOW_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "ONEWINDOW_S3_REGION": "us-east-1",
            "ONEWINDOW_S3_ACCESS_KEY_ID": "testing",
            "ONEWINDOW_S3_SECRET_ACCESS_KEY": "testing",
        }
        s3_client(env).create_bucket(Bucket=bucket)
        yield env
    finally:
        server.stop()


def s3_client(env: dict[str, str]) -> Any:
    """A boto3 client of the server ``env`` names, for a test to look into the bucket."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=env["ONEWINDOW_S3_ENDPOINT_URL"],
        region_name=env["ONEWINDOW_S3_REGION"],
        aws_access_key_id=env["ONEWINDOW_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["ONEWINDOW_S3_SECRET_ACCESS_KEY"],
    )
