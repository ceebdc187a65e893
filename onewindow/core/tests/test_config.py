import logging
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from django.core import mail, signing
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

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
        ({"ONEWINDOW_TIME_ZONE": "Mars/Base"}, "ONEWINDOW_TIME_ZONE: not a time zone"),
        ({"ONEWINDOW_TIME_ZONE": "../../etc/passwd"}, "ONEWINDOW_TIME_ZONE: not a time zone"),
        ({"ONEWINDOW_TIME_ZONE": ""}, "ONEWINDOW_TIME_ZONE: not a time zone"),
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


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        # 0 or fewer failures locked every account, the right password too; above 100
        # the limit was lowered to 100 without a word.
        (
            {"ONEWINDOW_LOCKOUT_FAILURES": "0"},
            "ONEWINDOW_LOCKOUT_FAILURES must be a whole number from 1 to 100, not 0.",
        ),
        (
            {"ONEWINDOW_LOCKOUT_FAILURES": "-3"},
            "ONEWINDOW_LOCKOUT_FAILURES must be a whole number from 1 to 100, not -3.",
        ),
        (
            {"ONEWINDOW_LOCKOUT_FAILURES": "101"},
            "ONEWINDOW_LOCKOUT_FAILURES must be a whole number from 1 to 100, not 101.",
        ),
        # 0 hours silently became 1.
        (
            {"ONEWINDOW_LOCKOUT_HOURS": "0"},
            "ONEWINDOW_LOCKOUT_HOURS must be a whole number from 1 to 8760, not 0.",
        ),
        (
            {"ONEWINDOW_LOCKOUT_HOURS": "100000000"},
            "ONEWINDOW_LOCKOUT_HOURS must be a whole number from 1 to 8760",
        ),
        # A token born expired; one too far ahead fails its issue (past year 9999).
        (
            {"ONEWINDOW_API_TOKEN_HOURS": "0"},
            "ONEWINDOW_API_TOKEN_HOURS must be a whole number from 1 to 8760, not 0.",
        ),
        (
            {"ONEWINDOW_API_TOKEN_HOURS": "-8"},
            "ONEWINDOW_API_TOKEN_HOURS must be a whole number from 1 to 8760, not -8.",
        ),
        (
            {"ONEWINDOW_API_TOKEN_HOURS": "100000000"},
            "ONEWINDOW_API_TOKEN_HOURS must be a whole number from 1 to 8760",
        ),
        (
            {"ONEWINDOW_SWEEP_TIMER_HELPERS": "-1"},
            "ONEWINDOW_SWEEP_TIMER_HELPERS must be a whole number from 0 to 100, not -1.",
        ),
        (
            {"ONEWINDOW_HSTS_SECONDS": "-1"},
            "ONEWINDOW_HSTS_SECONDS must be a whole number 0 or more, not -1.",
        ),
        # Started, then every request failed parsing it.
        (
            {"ONEWINDOW_TRUSTED_PROXIES": "10.0.0.5, not-an-ip"},
            "ONEWINDOW_TRUSTED_PROXIES: 'not-an-ip' is not an IP address or network",
        ),
        # Only Django's system check saw it, which gunicorn does not run.
        (
            {"ONEWINDOW_LANGUAGE_CODE": "fr"},
            "ONEWINDOW_LANGUAGE_CODE must be 'zh-hans' or 'en', not 'fr'.",
        ),
        (
            {"ONEWINDOW_LOG_LEVEL": "LOUD"},
            "ONEWINDOW_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'LOUD'.",
        ),
        (
            {"ONEWINDOW_EMAIL_URL": "smtp://mailer:s3cret@smtp.example.gov:587?tls=true&ssl=yes"},
            "ONEWINDOW_EMAIL_URL: tls (STARTTLS, port 587) and ssl",
        ),
        (
            {"ONEWINDOW_EMAIL_URL": "smtp://mailer:s3cret@smtp.example.gov:58x7?tls=1"},
            "ONEWINDOW_EMAIL_URL: the port must be a number from 1 to 65535.",
        ),
        (
            {"ONEWINDOW_EMAIL_URL": "smtp://mailer:s3cret@smtp.example.gov:587?tls=sure"},
            "ONEWINDOW_EMAIL_URL: tls must be given once, as true or false",
        ),
    ],
)
def test_the_settings_refuse_to_start_with_a_value_out_of_range(tmp_path: Path, environ, message):
    refused = _settings_module({"ONEWINDOW_VAR_DIR": str(tmp_path), **environ}, "DEBUG")
    assert refused.returncode != 0
    assert f"ImproperlyConfigured: {message}" in refused.stderr
    assert "s3cret" not in refused.stderr  # the mail server's password is never shown


def test_the_settings_take_the_ends_of_each_range(tmp_path: Path):
    started = _settings_module(
        {
            "ONEWINDOW_VAR_DIR": str(tmp_path),
            "ONEWINDOW_LOCKOUT_FAILURES": "100",
            "ONEWINDOW_LOCKOUT_HOURS": "1",
            "ONEWINDOW_API_TOKEN_HOURS": "8760",
            "ONEWINDOW_SWEEP_TIMER_HELPERS": "0",
            "ONEWINDOW_HSTS_SECONDS": "300",
            "ONEWINDOW_TRUSTED_PROXIES": "10.0.0.5, 10.0.0.0/24, 2001:db8::1",
            "ONEWINDOW_LANGUAGE_CODE": "EN",
            "ONEWINDOW_LOG_LEVEL": "debug",
            "ONEWINDOW_EMAIL_URL": "smtp://mailer:s3cret@smtp.example.gov:465?ssl=yes&tls=off",
        },
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "API_TOKEN_HOURS",
        "SWEEP_TIMER_HELPERS",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "TRUSTED_PROXIES",
        "LANGUAGE_CODE",
        "LOGGING['loggers']['onewindow']['level']",
        "EMAIL_PORT",
        "EMAIL_USE_SSL",
        "EMAIL_USE_TLS",
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.splitlines() == [
        "100",
        "1",
        "8760",
        "0",
        "300",
        "False",
        "('10.0.0.5/32', '10.0.0.0/24', '2001:db8::1/128')",
        "'en'",
        "'DEBUG'",
        "465",
        "True",
        "False",
    ]
    # Unset, HSTS is off.
    default = _settings_module({"ONEWINDOW_VAR_DIR": str(tmp_path)}, "SECURE_HSTS_SECONDS")
    assert default.stdout.splitlines() == ["0"]


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_set(settings):
    # SecurityMiddleware reads the setting when a client's handler is made: a new Client.
    settings.SECURE_HSTS_SECONDS = 300
    assert Client().get("/", secure=True)["Strict-Transport-Security"] == "max-age=300"
    assert not Client().get("/").has_header("Strict-Transport-Security")  # not over HTTP
    # Behind a TLS proxy: only when its X-Forwarded-Proto is trusted.
    forwarded = {"X-Forwarded-Proto": "https"}
    assert not Client().get("/", headers=forwarded).has_header("Strict-Transport-Security")
    settings.SECURE_PROXY_SSL_HEADER = profiles.PROXY_SSL_HEADER
    assert Client().get("/", headers=forwarded)["Strict-Transport-Security"] == "max-age=300"
    settings.SECURE_HSTS_SECONDS = 0
    assert not Client().get("/", secure=True).has_header("Strict-Transport-Security")


@pytest.mark.parametrize(
    ("query", "tls", "ssl"),
    [
        ("", False, False),
        ("?tls=1", True, False),
        ("?tls=true", True, False),
        ("?tls=YES", True, False),
        ("?tls=on", True, False),
        ("?tls=false", False, False),
        ("?tls=no&ssl=0", False, False),
        ("?ssl=yes", False, True),
        ("?ssl=true&tls=off", False, True),
    ],
)
def test_the_mail_urls_tls_and_ssl_take_every_spelling_of_a_bool(tmp_path: Path, query, tls, ssl):
    # Only "1" counted: "?tls=true" sent the password and every message in clear.
    env = read_all({"ONEWINDOW_EMAIL_URL": f"smtp://mailer:pw@smtp.example.gov:587{query}"})
    email = profiles.email_settings(env, tmp_path)
    assert (email["EMAIL_USE_TLS"], email["EMAIL_USE_SSL"]) == (tls, ssl)


@pytest.mark.parametrize(
    ("address", "port"),
    [
        ("smtp.example.gov", 25),
        ("smtp.example.gov?tls=1", 587),
        ("smtp.example.gov?ssl=1", 465),
        ("smtp.example.gov:2525?ssl=1", 2525),
    ],
)
def test_without_a_port_the_mail_url_takes_its_protocols(tmp_path: Path, address, port):
    """QA: ?ssl=1 without a port went to port 25, where no server speaks TLS first."""
    env = read_all({"ONEWINDOW_EMAIL_URL": f"smtp://mailer:pw@{address}"})
    assert profiles.email_settings(env, tmp_path)["EMAIL_PORT"] == port


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtp://h:587?tls=1&ssl=1", "cannot both be on"),
        ("smtp://h:587?tls=maybe", "tls must be given once, as true or false"),
        ("smtp://h:587?tls=", "tls must be given once"),
        ("smtp://h:587?tls", "tls must be given once"),
        ("smtp://h:587?tls=1&tls=0", "tls must be given once"),
        ("smtp://h:465?ssl=2", "ssl must be given once"),
        ("smtp://h:587?TLS=1", "unknown parameter 'TLS'; it takes tls and ssl"),
        ("smtp://h:587?starttls=1", "unknown parameter 'starttls'"),
        ("smtp://h:smtp", "the port must be a number from 1 to 65535"),
        ("smtp://h:0", "the port must be a number from 1 to 65535"),
        ("smtp://h:65536", "the port must be a number from 1 to 65535"),
        ("smtp://[::1:587", "is not a URL"),
    ],
)
def test_a_bad_mail_url_is_refused_naming_the_variable(tmp_path: Path, url, message):
    with pytest.raises(
        ImproperlyConfigured, match=r"^ONEWINDOW_EMAIL_URL[ :].*" + re.escape(message)
    ):
        profiles.email_settings(read_all({"ONEWINDOW_EMAIL_URL": url}), tmp_path)


def test_the_console_mail_backend_is_accepted(tmp_path: Path):
    env = read_all({"ONEWINDOW_EMAIL_URL": "console://"})
    assert profiles.email_settings(env, tmp_path) == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_log_lines_carry_time_with_offset_level_and_logger():
    handler = logging.getLogger("onewindow").handlers[0]
    record = logging.LogRecord(
        "onewindow.audit", logging.WARNING, __file__, 1, "chain %s", ("ok",), None
    )
    line = handler.format(record)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d WARNING onewindow\.audit: chain ok",
        line,
    ), line
    assert datetime.fromisoformat(line.split()[0]).timestamp() == pytest.approx(
        record.created, abs=0.001
    )


def test_the_onewindow_loggers_still_reach_caplog(caplog):
    # They no longer propagate to the root logger (a Celery worker's handler there printed
    # each line a second time); pytest's caplog attaches to such loggers too.
    assert logging.getLogger("onewindow").propagate is False
    with caplog.at_level(logging.INFO, logger="onewindow.workdays"):
        logging.getLogger("onewindow.workdays").info("seen once")
    assert [r.getMessage() for r in caplog.records] == ["seen once"]


WORKER_LOGGING = """
import logging
import django
django.setup()
from onewindow.worker import app
app.log.setup(loglevel="INFO")  # what `celery worker` does (Worker.setup_logging)
logging.getLogger("onewindow.audit").warning("chain broken at row %s", 7)
"""


def test_a_celery_worker_prints_each_line_once_with_its_time(tmp_path: Path):
    base = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
    worker = subprocess.run(
        [sys.executable, "-c", WORKER_LOGGING],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "onewindow.settings",
            "ONEWINDOW_VAR_DIR": str(tmp_path),
            "ONEWINDOW_TIME_ZONE": "Asia/Shanghai",
        },
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert worker.returncode == 0, worker.stderr
    lines = [line for line in worker.stderr.splitlines() if "chain broken" in line]
    assert len(lines) == 1, worker.stderr
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00 WARNING onewindow\.audit: "
        r"chain broken at row 7",
        lines[0],
    )


def test_a_rotated_key_still_reads_a_session_signed_with_the_former_one(tmp_path: Path):
    """Rotating the key (README): the new key in ONEWINDOW_SECRET_KEY, the old one in
    ONEWINDOW_SECRET_KEY_FALLBACKS; a signed session cookie made before still reads."""
    code = (
        "import django; django.setup(); from django.core import signing; "
        "print(signing.loads({token!r}, salt='django.contrib.sessions.backends.signed_cookies'))"
    )
    old, new = "old-key-" + "o" * 40, "new-key-" + "n" * 40
    with override_settings(SECRET_KEY=old):
        token = signing.dumps({"user": 7}, salt="django.contrib.sessions.backends.signed_cookies")
    base = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
    base["DJANGO_SETTINGS_MODULE"] = "onewindow.settings"

    def read(environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code.format(token=token)],
            env={**base, "ONEWINDOW_VAR_DIR": str(tmp_path), **environ},
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )

    rotated = read({"ONEWINDOW_SECRET_KEY": new, "ONEWINDOW_SECRET_KEY_FALLBACKS": old})
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.strip() == "{'user': 7}"
    forgotten = read({"ONEWINDOW_SECRET_KEY": new})
    assert "BadSignature" in forgotten.stderr
