"""Stored files without a row (an upload whose transaction rolled back) are removed
once older than the grace period; files with a row, and fresh ones, stay."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_user
from onewindow.forms import orphans, tasks
from onewindow.forms.attachments import store_attachment
from onewindow.forms.models import Attachment
from onewindow.forms.tests.files import PDF, PNG, upload


class RolledBack(Exception):
    pass


@pytest.fixture
def orphan(sample, media):
    """A file stored inside a transaction that then rolled back: no row, the file stays."""
    owner = make_user()
    with pytest.raises(RolledBack), transaction.atomic():
        lost = store_attachment(
            owner=owner, definition=sample, slot="scan", upload=upload("a.pdf", PDF)
        )
        raise RolledBack
    assert not Attachment.objects.exists()
    assert (media / lost.file.name).exists()
    return lost.file.name


def test_an_orphan_older_than_a_day_is_removed_and_audited(orphan, sample, media):
    kept = store_attachment(
        owner=make_user(), definition=sample, slot="scan", upload=upload("b.png", PNG)
    )
    found = orphans.remove_orphan_files(now=timezone.now() + timedelta(days=2))
    assert (found.checked, found.removed) == (2, [orphan])
    assert not (media / orphan).exists()
    assert (media / kept.file.name).exists()
    event = AuditEvent.objects.get(action="forms.orphan_files_removed")
    assert event.detail == {"count": 1, "files": [orphan], "checked": 2}
    # Nothing left to do: no second audit record.
    assert orphans.remove_orphan_files(now=timezone.now() + timedelta(days=2)).removed == []
    assert AuditEvent.objects.filter(action="forms.orphan_files_removed").count() == 1


def test_a_fresh_orphan_is_left_its_transaction_may_still_be_open(orphan, media):
    assert orphans.remove_orphan_files().removed == []
    assert (media / orphan).exists()


def test_nothing_stored_yet_is_nothing_to_do(media, db):
    assert orphans.remove_orphan_files() == orphans.Sweep(checked=0, removed=[])


def test_the_worker_runs_it_daily(orphan, media):
    entry = settings.CELERY_BEAT_SCHEDULE["forms-remove-orphan-files"]
    assert (entry["task"], entry["schedule"]) == (tasks.remove_orphan_files.name, 86400.0)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert tasks.remove_orphan_files() == {"checked": 1, "removed": 1}
