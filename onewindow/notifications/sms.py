"""Text-message backends. ``settings.SMS_BACKEND`` names the class (from
``ONEWINDOW_SMS_BACKEND``); empty means no text messages are sent.

A backend is any class with ``send(phone, text, idempotency_key)`` that raises on
failure. Providers that accept a client reference should pass ``idempotency_key``
through, so a retry after a crash between their acceptance and our commit is not
delivered twice.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, phone: str, text: str, idempotency_key: str) -> None: ...


def sms_enabled() -> bool:
    return bool(settings.SMS_BACKEND)


def get_backend() -> SmsBackend:
    if not sms_enabled():
        raise RuntimeError("no SMS backend is configured (ONEWINDOW_SMS_BACKEND=null)")
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


class FileBackend:
    """Writes each message to a file under ``$ONEWINDOW_VAR_DIR/sms``, like the embedded
    profile's email: one file per send, so a duplicate would show."""

    def send(self, phone: str, text: str, idempotency_key: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        now = timezone.localtime()
        key = hashlib.sha256(idempotency_key.encode()).hexdigest()[:12]
        content = (
            f"To: {phone}\nDate: {now.isoformat()}\nIdempotency-Key: {idempotency_key}\n\n{text}\n"
        )
        (folder / f"{now:%Y%m%d-%H%M%S-%f}-{key}.txt").write_text(content, encoding="utf-8")


class MemoryBackend:
    """Keeps messages in ``MemoryBackend.outbox``, for tests (like Django's locmem mail)."""

    outbox: ClassVar[list[tuple[str, str, str]]] = []

    def send(self, phone: str, text: str, idempotency_key: str) -> None:
        MemoryBackend.outbox.append((phone, text, idempotency_key))
