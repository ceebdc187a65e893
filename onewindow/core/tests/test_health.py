"""The registry of /healthz checks (core/health.py)."""

import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError

from onewindow import profiles
from onewindow.config import read_all
from onewindow.conftest import in_ci
from onewindow.core import health
from onewindow.core.testing import s3_server
from onewindow.worker import app


@pytest.fixture
def checks() -> Iterator[None]:
    saved = list(health._checks)
    health._checks.clear()
    yield
    health._checks[:] = saved
    health.forget_checks()


def test_only_the_checks_that_find_a_problem_report_in_registration_order(checks) -> None:
    health.register(lambda: "queue: stuck")
    health.register(lambda: None)
    health.register(lambda: "calendar: 2027 unknown")
    assert health.warnings() == ["queue: stuck", "calendar: 2027 unknown"]


def test_a_check_registered_twice_reports_once(checks) -> None:
    def check() -> str:
        return "queue: stuck"

    health.register(check)
    health.register(check)  # an app's ready() may run again in tests
    assert health.warnings() == ["queue: stuck"]


def test_the_apps_register_their_checks() -> None:
    from onewindow.cases.starting import stuck_warning
    from onewindow.notifications.health import backlog_warning
    from onewindow.workdays.calendar import horizon_warning

    assert {horizon_warning, stuck_warning, backlog_warning} <= set(health._checks)


@pytest.fixture
def services_read_afresh() -> Iterator[None]:
    health.forget_checks()
    yield
    health.forget_checks()


def test_a_check_that_raises_is_named_and_logged_not_a_500(checks, caplog) -> None:
    def calendar_check() -> str:
        raise RuntimeError("boom")

    health.register(calendar_check)
    health.register(lambda: "queue: stuck")
    [line, stuck] = health.warnings()
    assert line.endswith("calendar_check: the check itself failed (see log)")
    assert stuck == "queue: stuck"
    assert "the check" in caplog.text and "calendar_check" in caplog.text


@pytest.mark.django_db
def test_without_its_database_the_process_answers_503(client, caplog) -> None:
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch.object(health, "connection", broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content.decode().splitlines() == [
        "unavailable",
        "database: not answering (OperationalError)",
    ]
    assert "the database does not answer: connection refused" in caplog.text


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_degrades_the_site(client, checks, services_read_afresh):
    broken = mock.MagicMock()
    broken.set.side_effect = ConnectionError("refused")
    with mock.patch.object(health, "cache", broken):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "degraded",
        "cache: not answering (ConnectionError); throttles count per process",
    ]


def broker_at(url: str) -> Any:
    connect = app.connection_for_write
    return mock.patch.object(app, "connection_for_write", lambda: connect(url))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the probe is closed


@pytest.mark.django_db
def test_a_broker_that_takes_no_connection_degrades_the_site(
    client, settings, checks, services_read_afresh
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        response = client.get("/healthz")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "degraded"
    assert lines[1].startswith("broker: not answering (")
    assert lines[1].endswith("mail, SMS and queued starts wait in the database until it is back")


@pytest.mark.django_db
def test_a_broker_that_answers_is_ok(client, settings, checks, services_read_afresh):
    """Over a real connection to this machine's Redis (CI has it; elsewhere, skipped)."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if in_ci():
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with broker_at("redis://127.0.0.1:6379/15"):
        assert client.get("/healthz").content == b"ok"


def test_the_services_and_the_app_checks_are_read_once_in_a_while(
    checks, services_read_afresh
) -> None:
    """A load balancer's probe every second costs neither a broker connection nor the
    app checks' queries each time: what was found is kept SERVICE_CHECK_SECONDS."""
    stuck = mock.Mock(return_value="queue: stuck")
    health.register(stuck)
    with mock.patch.object(health, "_broker_problem", return_value="broker: down") as asked:
        assert health.warnings() == ["broker: down", "queue: stuck"]
        assert health.warnings() == ["broker: down", "queue: stuck"]
        assert (asked.call_count, stuck.call_count) == (1, 1)
        later = time.monotonic() + health.SERVICE_CHECK_SECONDS + 1
        with mock.patch.object(health.time, "monotonic", return_value=later):
            health.warnings()
        assert (asked.call_count, stuck.call_count) == (2, 2)


@pytest.mark.django_db
def test_a_bucket_that_answers_is_ok_and_a_missing_one_degrades(
    client, settings, checks, services_read_afresh
):
    name = f"health-{uuid.uuid4().hex[:12]}"
    with s3_server(name) as env:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": profiles.storage_settings(read_all(env)),
        }
        assert client.get("/healthz").content == b"ok"
        health.forget_checks()
        missing = {**env, "ONEWINDOW_S3_BUCKET": f"{name}-gone"}
        settings.STORAGES = {
            **settings.STORAGES,
            "default": profiles.storage_settings(read_all(missing)),
        }
        lines = client.get("/healthz").content.decode().splitlines()
    assert lines == ["degraded", "storage: the bucket does not answer (ClientError); uploads fail"]


@pytest.mark.django_db
def test_a_folder_it_may_not_write_degrades(
    client, settings, tmp_path, checks, services_read_afresh
):
    folder = tmp_path / "media"
    folder.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    with mock.patch.object(health.os, "access", return_value=False):
        lines = client.get("/healthz").content.decode().splitlines()
    assert lines == ["degraded", f"storage: {folder} is not writable; uploads fail"]
