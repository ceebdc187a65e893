"""Every setting OneWindow reads from the environment, declared once.

The production profile is configured only through these variables; the README's
table is generated from this list (``manage.py settings_table``) and a test keeps
the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

BASE_DIR = Path(__file__).resolve().parent.parent


def as_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def _list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _time_zone(raw: str) -> str:
    # Django's own refusal ("Incorrect timezone setting: …") named neither the variable
    # nor what it wants.
    name = raw.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"not a time zone: {raw!r} (an IANA time zone name, such as Asia/Shanghai)"
        ) from None
    return name


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[str], Any]
    default: str
    meaning: str

    @property
    def type_name(self) -> str:
        return {as_bool: "bool", _list: "list", int: "int", str: "str", _time_zone: "str"}[
            self.parse
        ]

    def read(self, environ: dict[str, str] | os._Environ[str] = os.environ) -> Any:
        raw = environ.get(self.name, self.default)
        try:
            return self.parse(raw)
        except ValueError as exc:
            raise ValueError(f"environment variable {self.name}: {exc}") from exc


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ONEWINDOW_VAR_DIR",
        str,
        "var",
        "Folder the app writes to, created at start; relative paths are taken from the "
        "project root. In every profile: the collected static files (`static/`) and the "
        "beat schedule, so web, worker and beat need it writable, at the same path at "
        "build time (`collectstatic`) and at run time. With the embedded defaults also the "
        "database, secret key, uploaded files, mail, text messages and broker queue.",
    ),
    Setting(
        "ONEWINDOW_SECRET_KEY",
        str,
        "",
        "Django secret key, the same on every host. Empty: on SQLite (the embedded "
        "profile) one is generated into `$ONEWINDOW_VAR_DIR/secret_key`; with a database "
        "server (`ONEWINDOW_DATABASE_URL` set to PostgreSQL) the site refuses to start.",
    ),
    Setting(
        "ONEWINDOW_SECRET_KEY_FALLBACKS",
        _list,
        "",
        "Comma-separated former secret keys (Django's `SECRET_KEY_FALLBACKS`): what was "
        "signed with them (sessions, CSRF tokens, password-reset links) is still "
        "accepted, and nothing new is signed with them. To rotate the key, set the new one "
        "in `ONEWINDOW_SECRET_KEY` and the old one here on every host; remove it after 8 "
        "hours, when the last session signed with it has ended.",
    ),
    Setting("ONEWINDOW_DEBUG", as_bool, "false", "Django debug pages. Never true in production."),
    Setting(
        "ONEWINDOW_DEMO",
        as_bool,
        "false",
        "A demo: the demo loaders (`load_demo_city` and the other `load_demo_*` commands) "
        "run, and `manage.py demo_logins` prints the demo accounts' shared password, TOTP "
        "secrets and current codes (`make demo` sets it); without it they refuse, unless "
        "`ONEWINDOW_DEBUG` is true. Never true in production.",
    ),
    Setting(
        "ONEWINDOW_ALLOWED_HOSTS",
        _list,
        "127.0.0.1,localhost",
        "Comma-separated host names the site answers to.",
    ),
    Setting(
        "ONEWINDOW_CSRF_TRUSTED_ORIGINS",
        _list,
        "",
        "Comma-separated origins (https://gov.example) trusted for form posts behind a proxy.",
    ),
    Setting(
        "ONEWINDOW_SECURE_COOKIES",
        as_bool,
        "false",
        "Send session and CSRF cookies over HTTPS only; set true behind TLS.",
    ),
    Setting(
        "ONEWINDOW_PROXY_SSL_HEADER",
        as_bool,
        "false",
        "Take a request whose `X-Forwarded-Proto` header says `https` as made over HTTPS "
        "(Django's `SECURE_PROXY_SSL_HEADER`), so links built from it, such as password "
        "resets, start `https://` behind a TLS proxy. Set true only behind a proxy that "
        "sets or overwrites that header on every request: otherwise a client could claim "
        "HTTPS.",
    ),
    Setting(
        "ONEWINDOW_HSTS_SECONDS",
        int,
        "0",
        "0 or more. Above 0, answers over HTTPS carry `Strict-Transport-Security: "
        "max-age=N` (Django's `SECURE_HSTS_SECONDS`): browsers then use only HTTPS for "
        "this host for N seconds, so start low (`300`) and raise it (`31536000`, a year) "
        "once HTTPS is there to stay. Behind a TLS proxy Django sees HTTPS only with "
        "`ONEWINDOW_PROXY_SSL_HEADER=true`; the proxy may send the header instead. For "
        "this host only (no `includeSubDomains`): other sites under the "
        "domain may still serve plain HTTP. 0: not sent.",
    ),
    Setting(
        "ONEWINDOW_TRUSTED_PROXIES",
        _list,
        "",
        "Comma-separated addresses or networks (10.0.0.5, 10.0.0.0/24) of the proxies in "
        "front of the site. A request from one of them is taken as from the address its "
        "`X-Forwarded-For` header names last before them: the client's, which the audit "
        "trail records and the register page's throttle counts. Empty: the connection's "
        "own address (right when clients connect directly). An entry that is neither "
        "stops the start.",
    ),
    Setting(
        "ONEWINDOW_DATABASE_URL",
        str,
        "",
        "Database URL. Empty: SQLite at `$ONEWINDOW_VAR_DIR/onewindow.sqlite3`. "
        "Production: `postgres://user:pass@host:5432/onewindow`.",
    ),
    Setting(
        "ONEWINDOW_BROKER_URL",
        str,
        "",
        "Celery broker. Empty: a folder queue under `$ONEWINDOW_VAR_DIR/broker` served by the "
        "local worker. Production: `redis://host:6379/0` or `amqp://user:pass@host:5672//`.",
    ),
    Setting(
        "ONEWINDOW_CACHE_URL",
        str,
        "",
        "Cache every web process shares (counts such as the register page's throttle live "
        "there). Empty: each process's own memory, right for one process (the demo). "
        "Production, with several: `redis://host:6379/1`.",
    ),
    Setting(
        "ONEWINDOW_TASKS_EAGER",
        as_bool,
        "false",
        "Run background tasks inline in the caller (tests only).",
    ),
    Setting(
        "ONEWINDOW_STORAGE",
        str,
        "local",
        "File storage: `local` (files under `$ONEWINDOW_VAR_DIR/media`) or `s3`.",
    ),
    Setting("ONEWINDOW_S3_BUCKET", str, "", "S3 bucket for uploaded files (when storage is `s3`)."),
    Setting(
        "ONEWINDOW_S3_ENDPOINT_URL",
        str,
        "",
        "S3-compatible endpoint, e.g. `https://oss.example.gov` or a MinIO URL.",
    ),
    Setting("ONEWINDOW_S3_REGION", str, "", "S3 region name, if the provider needs one."),
    Setting("ONEWINDOW_S3_ACCESS_KEY_ID", str, "", "S3 access key id."),
    Setting("ONEWINDOW_S3_SECRET_ACCESS_KEY", str, "", "S3 secret access key."),
    Setting(
        "ONEWINDOW_EMAIL_URL",
        str,
        "",
        "Outgoing mail. Empty: messages are written as files under `$ONEWINDOW_VAR_DIR/mail`. "
        "`console://`: printed on the process's standard output (development). "
        "Production: `smtp://user:pass@host:587?tls=1` (STARTTLS), or `?ssl=1` for TLS from "
        "the first byte (port 465), not both; user and password URL-encoded. `tls` and "
        "`ssl` take the spellings of a bool (`true`/`false`, `1`/`0`, `yes`/`no`, "
        "`on`/`off`); any other value or parameter, or a port outside 1–65535, stops the "
        "start. Without a port: 465 with `ssl`, 587 with `tls`, else 25.",
    ),
    Setting(
        "ONEWINDOW_FROM_EMAIL",
        str,
        "一网通办 OneWindow <noreply@onewindow.invalid>",
        "Sender of notifications: a name (both languages' by default, as one message goes "
        "out in its reader's language) and an address.",
    ),
    Setting(
        "ONEWINDOW_SMS_BACKEND",
        str,
        "file",
        "Text messages: `file` (written under `$ONEWINDOW_VAR_DIR/sms`), `null` (none are "
        "sent), or the dotted path of a class with `send(phone, text, idempotency_key)`.",
    ),
    Setting(
        "ONEWINDOW_LANGUAGE_CODE",
        str,
        "zh-hans",
        "Default interface language: `zh-hans` or `en` (another stops the start).",
    ),
    Setting("ONEWINDOW_TIME_ZONE", _time_zone, "Asia/Shanghai", "Local time zone of the city."),
    Setting(
        "ONEWINDOW_API_TOKEN_HOURS",
        int,
        "8",
        "Lifetime of an API token, in hours: 1 to 8760 (a year).",
    ),
    Setting(
        "ONEWINDOW_LOCKOUT_FAILURES",
        int,
        "10",
        "Failed logins on one account that lock it: 1 to 100.",
    ),
    Setting(
        "ONEWINDOW_LOCKOUT_HOURS",
        int,
        "1",
        "How long a locked account stays locked, in hours: 1 to 8760 (a year).",
    ),
    Setting(
        "ONEWINDOW_LOG_LEVEL",
        str,
        "INFO",
        "Log level of the `onewindow` loggers: `DEBUG`, `INFO`, `WARNING`, `ERROR` or "
        "`CRITICAL`. Each line starts with its time (ISO 8601, with the offset), level and "
        "logger.",
    ),
    Setting(
        "ONEWINDOW_FILING_QUEUED",
        as_bool,
        "false",
        "Start a submitted case's process in a worker instead of in the submission's "
        "request (the case is numbered, stored and confirmed at once; its first tasks "
        "appear when a worker has started the run). For peaks of submissions; needs a "
        "running worker.",
    ),
    Setting(
        "ONEWINDOW_SWEEP_TIMER_HELPERS",
        int,
        "0",
        "Other worker processes the minute's time-limit sweep sets on its due process "
        "timers (reminders, escalations) besides its own, from the sweep's start; with "
        "several Celery worker processes, one less than their number: 0 to 100. 0: the "
        "sweep fires them alone.",
    ),
)


def read_all(environ: dict[str, str] | os._Environ[str] = os.environ) -> dict[str, Any]:
    return {setting.name: setting.read(environ) for setting in SETTINGS}


def markdown_table() -> str:
    rows = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default else "(empty)"
        rows.append(f"| `{setting.name}` | {setting.type_name} | {default} | {setting.meaning} |")
    return "\n".join(rows)
