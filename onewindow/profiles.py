"""How environment values become Django settings for the two profiles.

Empty database, broker and storage values give the embedded profile (SQLite, a
folder queue, local files); set, they give the production profile. Kept apart from
settings.py so tests can build either profile from a plain dict.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from onewindow.config import as_bool

SQLITE = "django.db.backends.sqlite3"
# What a TLS proxy sets on each request it forwards: the scheme the client used.
PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def database_settings(env: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    url = env["ONEWINDOW_DATABASE_URL"] or f"sqlite:///{var_dir / 'onewindow.sqlite3'}"
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if database["ENGINE"] == SQLITE:
        # IMMEDIATE transactions serialize writers up front instead of failing on
        # upgrade; WAL lets the web process read while the worker writes.
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
        }
        database["CONN_MAX_AGE"] = 0
    return database


def secret_key(env: dict[str, Any], database: dict[str, Any], var_dir: Path) -> str:
    """The environment's key; when it is empty, on SQLite (the embedded profile, one
    host) a key generated once into the var folder, so sessions survive restarts.

    A database server means the production profile, where several hosts may serve the
    site: each would generate a key of its own, and sessions, CSRF tokens and
    password-reset links made on one host would fail on the others. It must be set."""
    if env["ONEWINDOW_SECRET_KEY"]:
        return str(env["ONEWINDOW_SECRET_KEY"])
    if database["ENGINE"] != SQLITE:
        raise ImproperlyConfigured(
            "ONEWINDOW_SECRET_KEY is empty, and ONEWINDOW_DATABASE_URL names a database "
            "server (the production profile): set ONEWINDOW_SECRET_KEY to a long random "
            "value, the same on every host that serves the site and runs its workers."
        )
    path = var_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def proxy_ssl_header(env: dict[str, Any]) -> tuple[str, str] | None:
    """Django's SECURE_PROXY_SSL_HEADER: behind a TLS proxy on another host, a request
    reaches gunicorn over plain HTTP, and without it every link the site builds from the
    request (a password reset's) would start http://. Trusted only when the operator
    says the proxy sets or overwrites the header: else a client could claim HTTPS."""
    return PROXY_SSL_HEADER if env["ONEWINDOW_PROXY_SSL_HEADER"] else None


YEAR_HOURS = 365 * 24  # the longest lock or token lifetime: far ones overflow the dates


def whole_number(env: dict[str, Any], name: str, low: int, high: int | None = None) -> int:
    """The integer variable ``name``, refused at start outside ``low``..``high``: a value
    out of range would not fail until it is used (a lockout limit of 0 locks every
    account at its right password; a token lifetime of millions of hours fails each
    token's issue), or would be bent into the range without a word."""
    value: int = env[name]
    if value < low or (high is not None and value > high):
        allowed = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise ImproperlyConfigured(f"{name} must be a whole number {allowed}, not {value}.")
    return value


def trusted_proxies(env: dict[str, Any]) -> tuple[str, ...]:
    """``ONEWINDOW_TRUSTED_PROXIES`` as networks (``10.0.0.5`` is ``10.0.0.5/32``), each
    checked here: ``core.client_address`` reads them on every request, where an entry
    that is not an address would fail every request instead of the start."""
    networks = []
    for entry in env["ONEWINDOW_TRUSTED_PROXIES"]:
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"ONEWINDOW_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                "(10.0.0.5, 10.0.0.0/24, 2001:db8::/64)."
            ) from exc
    return tuple(networks)


def language_code(env: dict[str, Any], languages: list[tuple[str, Any]]) -> str:
    """The default language, one the site has a catalogue for: Django's own check of it
    runs with ``manage.py``, not when gunicorn starts."""
    code = str(env["ONEWINDOW_LANGUAGE_CODE"]).strip().lower()
    codes = [known for known, _name in languages]
    if code not in codes:
        raise ImproperlyConfigured(
            f"ONEWINDOW_LANGUAGE_CODE must be {' or '.join(map(repr, codes))}, "
            f"not {env['ONEWINDOW_LANGUAGE_CODE']!r}."
        )
    return code


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class IsoTimeFormatter(logging.Formatter):
    """Log lines stamped in ISO 8601 with the offset (``2026-03-02T09:15:04.250+08:00``),
    in the process's time zone: the city's, which Django sets from ``TIME_ZONE``."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created).astimezone()
        return moment.isoformat(timespec="milliseconds")


def logging_settings(env: dict[str, Any]) -> dict[str, Any]:
    """Django's LOGGING: the ``onewindow`` loggers, and failed requests, on the console,
    each line with its time, level and logger.

    The ``onewindow`` logger does not pass its records on to the root logger: a Celery
    worker puts a handler of its own there, and every line was printed twice. (pytest's
    ``caplog`` still sees them: it attaches to loggers that do not propagate too.)"""
    level = str(env["ONEWINDOW_LOG_LEVEL"]).strip().upper()
    if level not in LOG_LEVELS:
        raise ImproperlyConfigured(
            f"ONEWINDOW_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, "
            f"not {env['ONEWINDOW_LOG_LEVEL']!r}."
        )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "line": {
                "class": "onewindow.profiles.IsoTimeFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
        "loggers": {
            "onewindow": {"handlers": ["console"], "level": level, "propagate": False},
            # A request that failed (a 500), with its traceback. Django's own configuration
            # sends it to the console only with DEBUG, and else by email to ADMINS, which a
            # deployment may not set: without this, operators never saw a 500's cause.
            "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        },
    }


def storage_settings(env: dict[str, Any]) -> dict[str, Any]:
    kind = env["ONEWINDOW_STORAGE"]
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ValueError("ONEWINDOW_STORAGE must be 'local' or 's3'")
    if not env["ONEWINDOW_S3_BUCKET"]:
        raise ValueError("ONEWINDOW_STORAGE=s3 needs ONEWINDOW_S3_BUCKET")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env["ONEWINDOW_S3_BUCKET"],
            "endpoint_url": env["ONEWINDOW_S3_ENDPOINT_URL"] or None,
            "region_name": env["ONEWINDOW_S3_REGION"] or None,
            "access_key": env["ONEWINDOW_S3_ACCESS_KEY_ID"] or None,
            "secret_key": env["ONEWINDOW_S3_SECRET_ACCESS_KEY"] or None,
            "default_acl": None,
            # The app hands out no link to the bucket: downloads are streamed through
            # Django after a permission check (forms.views.attachment_download). Were
            # a storage URL ever made, it would be signed and expire, not public.
            "querystring_auth": True,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }


EMAIL_FLAGS = ("tls", "ssl")


def email_settings(env: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    """Outgoing mail from ``ONEWINDOW_EMAIL_URL``: empty, files under the var folder;
    ``console://``, the process's standard output; ``smtp://user:pass@host:port``, with
    ``?tls=`` (STARTTLS) or ``?ssl=`` (TLS from the first byte) taking the boolean
    spellings of the other variables. Anything else stops the start: a ``?tls=true``
    read as off would send the password and every message in clear. No message repeats
    the URL, which holds the password."""
    url = env["ONEWINDOW_EMAIL_URL"]
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": var_dir / "mail",
        }
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unclosed [ of an IPv6 address
        raise ImproperlyConfigured(
            "ONEWINDOW_EMAIL_URL is not a URL (smtp://user:pass@host:587?tls=true)."
        ) from exc
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme != "smtp":
        raise ValueError("ONEWINDOW_EMAIL_URL must start with smtp:// or console://")
    try:
        port = parts.port
        if port == 0:
            raise ValueError("port 0")
    except ValueError as exc:  # not a number, 0, or above 65535
        raise ImproperlyConfigured(
            "ONEWINDOW_EMAIL_URL: the port must be a number from 1 to 65535."
        ) from exc
    flags = _email_flags(parts.query)
    if flags["tls"] and flags["ssl"]:
        raise ImproperlyConfigured(
            "ONEWINDOW_EMAIL_URL: tls (STARTTLS, port 587) and ssl (TLS from the first "
            "byte, port 465) cannot both be on: choose one."
        )
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        # Without a port, the one the protocol asked for uses (QA: ?ssl=1 went to 25).
        "EMAIL_PORT": port or (465 if flags["ssl"] else 587 if flags["tls"] else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": flags["tls"],
        "EMAIL_USE_SSL": flags["ssl"],
        # A hung mail server must not hold an outbox row's lock (on SQLite, the
        # database's write lock) for ever.
        "EMAIL_TIMEOUT": 30,
    }


def _email_flags(query: str) -> dict[str, bool]:
    given = parse_qs(query, keep_blank_values=True)
    unknown = sorted(set(given) - set(EMAIL_FLAGS))
    if unknown:
        raise ImproperlyConfigured(
            f"ONEWINDOW_EMAIL_URL: unknown parameter {unknown[0]!r}; it takes tls and ssl."
        )
    flags = {}
    for flag in EMAIL_FLAGS:
        values = given.get(flag, ["false"])
        try:
            if len(values) != 1 or not values[0].strip():
                raise ValueError
            flags[flag] = as_bool(values[0])
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"ONEWINDOW_EMAIL_URL: {flag} must be given once, as true or false "
                "(1/0, yes/no, on/off)."
            ) from exc
    return flags


SMS_BACKENDS = {"file": "onewindow.notifications.sms.FileBackend", "null": ""}


def sms_settings(env: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    """The SMS backend: files under var/sms (the embedded default), none, or the
    provider's class named by its dotted path."""
    value = env["ONEWINDOW_SMS_BACKEND"].strip() or "null"
    backend = SMS_BACKENDS.get(value, value)
    if backend and "." not in backend:
        raise ValueError("ONEWINDOW_SMS_BACKEND must be 'file', 'null' or a dotted class path")
    return {"SMS_BACKEND": backend, "SMS_FILE_PATH": var_dir / "sms"}


def cache_settings(env: dict[str, Any]) -> dict[str, Any]:
    """Django's CACHES: Redis when ``ONEWINDOW_CACHE_URL`` names it, so that what one
    web process counts (``identity.registration_throttle``) the others see; else each
    process's own memory, which is the whole site's only with one process."""
    url = env["ONEWINDOW_CACHE_URL"]
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"ONEWINDOW_CACHE_URL must be a redis:// (rediss://, unix://) URL, not {url!r}."
        )
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


def broker_settings(env: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    """Celery broker. The embedded profile uses kombu's folder transport (made to write
    each message whole: ``core.folder_broker``), so the demo runs a real worker with no
    broker server (ADR 0003)."""
    if env["ONEWINDOW_BROKER_URL"]:
        return {"CELERY_BROKER_URL": env["ONEWINDOW_BROKER_URL"]}
    from onewindow.core import folder_broker

    folder_broker.register()
    queue = var_dir / "broker" / "queue"
    processed = var_dir / "broker" / "processed"
    control = var_dir / "broker" / "control"
    for folder in (queue, processed, control):
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "CELERY_BROKER_URL": f"{folder_broker.SCHEME}://",
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(processed),
            "control_folder": str(control),
            "store_processed": False,
        },
    }
