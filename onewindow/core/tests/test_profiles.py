"""The production profile's parts over real connections, and the embedded worker.

Outside CI a missing server skips its test with the reason; with CI=true it fails.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest
from celery import Celery
from celery._state import get_current_app
from celery.contrib.testing.worker import start_worker
from django.db import connection

from onewindow.conftest import in_ci

pytestmark = pytest.mark.services


def require(host: str, port: int, what: str) -> None:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        if in_ci():
            pytest.fail(f"{what} is not reachable at {host}:{port} (required under CI): {exc}")
        pytest.skip(f"{what} is not running at {host}:{port}")


def test_suite_runs_on_the_database_it_was_given(db):
    url = os.environ.get("ONEWINDOW_DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_postgresql_reachable():
    require("127.0.0.1", 5432, "PostgreSQL")
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
    assert int(version) >= 130000


def run_platform_task_on(broker: str, backend: str, **conf: object) -> int:
    """Start a real worker on ``broker`` and run the hourly audit check through it."""
    # Making an app, and the test worker, make it the current and default one, which
    # the platform's shared tasks then send through: later tests in this process would
    # queue their tasks on this broker instead of running them inline. The platform's
    # app is put back.
    platform = get_current_app()
    app = Celery(f"onewindow-test-{uuid.uuid4().hex[:6]}", broker=broker, backend=backend)
    app.conf.update(task_always_eager=False, task_ignore_result=False, **conf)
    import onewindow.audit.tasks  # noqa: F401  (registers the shared task on every app)

    task = app.tasks["onewindow.audit.verify_chain"]
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            return int(task.delay().get(timeout=30))
    finally:
        platform.set_current()
        platform.set_default()


@pytest.mark.django_db(transaction=True)
def test_celery_task_over_redis():
    require("127.0.0.1", 6379, "Redis")
    assert run_platform_task_on("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/15") == 0


@pytest.mark.django_db(transaction=True)
def test_celery_task_over_rabbitmq():
    require("127.0.0.1", 5672, "RabbitMQ")
    assert (
        run_platform_task_on("amqp://guest:guest@127.0.0.1:5672//", "rpc://", broker_heartbeat=0)
        == 0
    )


@pytest.mark.django_db(transaction=True)
def test_celery_task_over_embedded_folder_broker(tmp_path: Path):
    from onewindow import profiles
    from onewindow.config import read_all

    conf = profiles.broker_settings(read_all({}), tmp_path)
    result = run_platform_task_on(
        conf["CELERY_BROKER_URL"],
        "cache+memory://",
        broker_transport_options=conf["CELERY_BROKER_TRANSPORT_OPTIONS"],
    )
    assert result == 0


def test_s3_storage_round_trip():
    """django-storages against a local S3-compatible server (moto), configured the way
    the production profile configures it."""
    from django.core.files.base import ContentFile
    from storages.backends.s3 import S3Storage

    from onewindow import profiles
    from onewindow.config import read_all
    from onewindow.core.testing import s3_server

    with s3_server("onewindow-test") as env:
        storage = S3Storage(**profiles.storage_settings(read_all(env))["OPTIONS"])
        name = storage.save("cases/材料.txt", ContentFile("出生医学证明".encode()))
        with storage.open(name) as stored:
            assert stored.read().decode() == "出生医学证明"
        assert "X-Amz-Signature" in storage.url(name)
        storage.delete(name)
        assert not storage.exists(name)


def test_a_task_still_running_after_ten_minutes_is_ended() -> None:
    # The backstop behind the bounds on process expressions (workflow.sandbox_bounds).
    from onewindow.worker import app

    assert app.conf.task_time_limit == 600
    assert app.conf.task_acks_late and not app.conf.task_reject_on_worker_lost


def test_the_cache_is_shared_over_redis_when_named():
    """What one web process counts, another sees: two cache clients on one Redis, as two
    gunicorn processes would have (the register page's throttle counts there)."""
    from django.core.cache.backends.redis import RedisCache

    from onewindow import profiles
    from onewindow.config import read_all

    require("127.0.0.1", 6379, "Redis")
    config = profiles.cache_settings(read_all({"ONEWINDOW_CACHE_URL": "redis://127.0.0.1:6379/14"}))
    location = config["default"]["LOCATION"]
    one, other = RedisCache(location, {}), RedisCache(location, {})
    key = f"onewindow-test:{uuid.uuid4().hex}"
    try:
        one.add(key, 0, 60)
        assert one.incr(key) == 1 and other.incr(key) == 2
        assert one.get(key) == 2
    finally:
        one.delete(key)


def test_without_a_cache_url_each_process_keeps_its_own():
    from onewindow import profiles
    from onewindow.config import read_all

    assert profiles.cache_settings(read_all({}))["default"]["BACKEND"].endswith("LocMemCache")
    with pytest.raises(Exception, match="redis://"):
        profiles.cache_settings(read_all({"ONEWINDOW_CACHE_URL": "memcached://x"}))
