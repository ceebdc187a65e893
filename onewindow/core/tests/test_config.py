import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from onewindow import profiles
from onewindow.config import BASE_DIR, SETTINGS, markdown_table, read_all
from onewindow.conftest import make_user


def test_readme_lists_every_environment_variable():
    readme = (BASE_DIR / "README.md").read_text()
    assert markdown_table() in readme, "run `manage.py settings_table` and paste it in README"


def test_defaults_give_the_embedded_profile(tmp_path: Path):
    env = read_all({})
    assert profiles.database_settings(env, tmp_path)["ENGINE"] == "django.db.backends.sqlite3"
    assert profiles.storage_settings(env)["BACKEND"].endswith("FileSystemStorage")
    assert profiles.broker_settings(env, tmp_path)["CELERY_BROKER_URL"] == "onewindow-folder://"
    assert profiles.email_settings(env, tmp_path)["EMAIL_BACKEND"].endswith(
        "filebased.EmailBackend"
    )


def test_production_profile_from_environment(tmp_path: Path):
    env = read_all(
        {
            "ONEWINDOW_DATABASE_URL": "postgres://ow:secret@db.internal:5432/onewindow",
            "ONEWINDOW_BROKER_URL": "redis://cache.internal:6379/0",
            "ONEWINDOW_STORAGE": "s3",
            "ONEWINDOW_S3_BUCKET": "onewindow-files",
            "ONEWINDOW_S3_ENDPOINT_URL": "https://oss.example.gov",
            "ONEWINDOW_EMAIL_URL": "smtp://mailer:p%40ss@smtp.example.gov:587?tls=1",
        }
    )
    database = profiles.database_settings(env, tmp_path)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.internal",
        "onewindow",
        "ow",
    )
    assert profiles.broker_settings(env, tmp_path) == {
        "CELERY_BROKER_URL": "redis://cache.internal:6379/0"
    }
    storage = profiles.storage_settings(env)
    assert storage["OPTIONS"]["bucket_name"] == "onewindow-files"
    assert storage["OPTIONS"]["querystring_auth"] is True
    email = profiles.email_settings(env, tmp_path)
    assert (
        email["EMAIL_HOST"],
        email["EMAIL_PORT"],
        email["EMAIL_HOST_PASSWORD"],
        email["EMAIL_USE_TLS"],
    ) == ("smtp.example.gov", 587, "p@ss", True)
    assert email["EMAIL_TIMEOUT"] == 30  # a hung server must not hold an outbox row for ever


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ONEWINDOW_DEBUG": "maybe"}, "ONEWINDOW_DEBUG"),
        ({"ONEWINDOW_API_TOKEN_HOURS": "eight"}, "ONEWINDOW_API_TOKEN_HOURS"),
    ],
)
def test_bad_values_name_the_variable(environ, message):
    with pytest.raises(ValueError, match=message):
        read_all(environ)


def test_bad_storage_and_email_are_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="local' or 's3"):
        profiles.storage_settings(read_all({"ONEWINDOW_STORAGE": "ftp"}))
    with pytest.raises(ValueError, match="BUCKET"):
        profiles.storage_settings(read_all({"ONEWINDOW_STORAGE": "s3"}))
    with pytest.raises(ValueError, match="smtp://"):
        profiles.email_settings(read_all({"ONEWINDOW_EMAIL_URL": "pop3://x"}), tmp_path)


def test_every_setting_is_documented():
    for setting in SETTINGS:
        assert setting.name.startswith("ONEWINDOW_")
        assert len(setting.meaning) > 10


PRODUCTION_DATABASE = {"ONEWINDOW_DATABASE_URL": "postgres://ow:secret@db.internal:5432/onewindow"}


def test_an_empty_secret_key_is_refused_with_a_database_server(tmp_path: Path):
    # Each host would generate a key of its own: sessions, CSRF tokens and reset links
    # made on one would fail on the others.
    env = read_all(PRODUCTION_DATABASE)
    database = profiles.database_settings(env, tmp_path)
    with pytest.raises(ImproperlyConfigured, match="ONEWINDOW_SECRET_KEY is empty"):
        profiles.secret_key(env, database, tmp_path)
    assert not (tmp_path / "secret_key").exists()
    given = read_all({**PRODUCTION_DATABASE, "ONEWINDOW_SECRET_KEY": "one-key-for-every-host"})
    assert profiles.secret_key(given, database, tmp_path) == "one-key-for-every-host"


def test_the_embedded_profile_generates_its_secret_key_once(tmp_path: Path):
    env = read_all({})
    database = profiles.database_settings(env, tmp_path)
    key = profiles.secret_key(env, database, tmp_path)
    assert len(key) >= 50 and (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert profiles.secret_key(env, database, tmp_path) == key  # survives a restart


def test_the_proxy_ssl_header_is_trusted_only_when_set():
    assert profiles.proxy_ssl_header(read_all({})) is None
    assert profiles.proxy_ssl_header(read_all({"ONEWINDOW_PROXY_SSL_HEADER": "true"})) == (
        "HTTP_X_FORWARDED_PROTO",
        "https",
    )


def _settings_module(environ: dict[str, str], *names: str) -> subprocess.CompletedProcess[str]:
    """``onewindow.settings`` imported in a process of its own with only ``environ`` of
    OneWindow's variables; prints the settings ``names``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    code = "import onewindow.settings as s; " + "; ".join(f"print(repr(s.{n}))" for n in names)
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **environ},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_settings_refuse_to_start_production_without_a_secret_key(tmp_path: Path):
    var = {"ONEWINDOW_VAR_DIR": str(tmp_path)}
    refused = _settings_module({**var, **PRODUCTION_DATABASE}, "SECRET_KEY")
    assert refused.returncode != 0
    assert "ImproperlyConfigured: ONEWINDOW_SECRET_KEY is empty" in refused.stderr
    assert not (tmp_path / "secret_key").exists()
    # The embedded profile keeps its generated key; the proxy's header is off by default.
    embedded = _settings_module(var, "SECRET_KEY", "SECURE_PROXY_SSL_HEADER")
    assert embedded.returncode == 0, embedded.stderr
    assert embedded.stdout.splitlines() == [
        repr((tmp_path / "secret_key").read_text().strip()),
        "None",
    ]
    behind_proxy = _settings_module(
        {
            **var,
            **PRODUCTION_DATABASE,
            "ONEWINDOW_SECRET_KEY": "one-key-for-every-host",
            "ONEWINDOW_PROXY_SSL_HEADER": "true",
        },
        "SECRET_KEY",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert behind_proxy.returncode == 0, behind_proxy.stderr
    assert behind_proxy.stdout.splitlines() == [
        "'one-key-for-every-host'",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("trusted", "scheme"), [(False, "http"), (True, "https")])
def test_behind_a_tls_proxy_reset_links_start_https(
    settings, django_capture_on_commit_callbacks, trusted, scheme
):
    # The proxy, on another host, forwards plain HTTP with the site's name and says
    # what the client used.
    settings.SECURE_PROXY_SSL_HEADER = profiles.proxy_ssl_header(
        read_all({"ONEWINDOW_PROXY_SSL_HEADER": str(trusted).lower()})
    )
    make_user(username="owner.li", email="li@example.invalid")
    forwarded = {"Host": "testserver", "X-Forwarded-Proto": "https"}
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/password/forgotten/", {"login": "owner.li"}, headers=forwarded)
    [message] = mail.outbox
    assert f"{scheme}://testserver/password/reset/" in message.body
