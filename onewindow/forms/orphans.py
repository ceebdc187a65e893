"""Stored files that no attachment row names: removed once they are old enough.

``store_attachment`` writes the file, then the row in a savepoint. When an enclosing
transaction rolls back afterwards (a submission that fails further on), the row goes
and the file stays: storage has no transactions. Nobody can reach such a file (files
are only served through their row), but it holds an applicant's document and its space.
A daily job lists the attachment folders through the storage API (local disk or
S3-compatible alike) and deletes the files without a row, once they are older than a
grace period, so that an upload whose transaction is still open is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from onewindow.audit.services import record_event
from onewindow.forms.models import Attachment

ROOT = "attachments"
GRACE = timedelta(days=1)
CHUNK = 500


@dataclass(frozen=True)
class Sweep:
    checked: int
    removed: list[str]


def _files(folder: str) -> Iterator[str]:
    folders, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in sorted(folders):
        yield from _files(f"{folder}/{sub}")


def _chunks(names: Iterator[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for name in names:
        chunk.append(name)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def remove_orphan_files(*, now: datetime | None = None, grace: timedelta = GRACE) -> Sweep:
    """Delete stored attachment files without a row, older than ``grace``; audited."""
    now = now or timezone.now()
    if not default_storage.exists(ROOT):
        return Sweep(checked=0, removed=[])
    checked, removed = 0, []
    for names in _chunks(_files(ROOT)):
        checked += len(names)
        known = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
        for name in names:
            if name in known or default_storage.get_modified_time(name) > now - grace:
                continue
            # Checked again just before: a row written since the listing keeps its file.
            if not Attachment.objects.filter(file=name).exists():
                default_storage.delete(name)
                removed.append(name)
    if removed:
        with transaction.atomic():
            record_event(
                actor=None,
                action="forms.orphan_files_removed",
                detail={"count": len(removed), "files": removed[:100], "checked": checked},
            )
    return Sweep(checked=checked, removed=removed)
