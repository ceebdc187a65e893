"""How environment values become Django settings for the two profiles.

Empty database, broker and storage values give the embedded profile (SQLite, a
folder queue, local files); set, they give the production profile. Kept apart from
settings.py so tests can build either profile from a plain dict.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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


def email_settings(env: dict[str, Any], var_dir: Path) -> dict[str, Any]:
    url = env["ONEWINDOW_EMAIL_URL"]
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": var_dir / "mail",
        }
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme != "smtp":
        raise ValueError("ONEWINDOW_EMAIL_URL must start with smtp:// or console://")
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or 25,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] == "1",
        "EMAIL_USE_SSL": query.get("ssl", ["0"])[0] == "1",
        # A hung mail server must not hold an outbox row's lock (on SQLite, the
        # database's write lock) for ever.
        "EMAIL_TIMEOUT": 30,
    }


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
