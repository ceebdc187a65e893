"""The review queue (``queries.review_queue``, the back office's reviews page): drafts
awaiting review, the longest waiting first by when each was submitted, which migration
0008 dates for drafts submitted before it."""

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.catalog import imports, queries, reviews, services
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.tests.conftest import ITEMS
from onewindow.conftest import holder_logged_in, make_user
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]

FIRST, SECOND = "310000-GA-QR-0001", "310000-GA-XK-0002"
START = timezone.now().replace(microsecond=0)


def editable(code: str, **changes):
    from onewindow.catalog.transfer import version_as_dict

    return {**version_as_dict(queries.published_version(code)), **changes}


@pytest.fixture
def editors(catalog):
    return [make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])]) for _ in range(2)]


def submitted_at(moment, author, code: str) -> ServiceItemVersion:
    with time_machine.travel(moment, tick=False):
        return reviews.submit_for_review(actor=author, code=code)


def test_the_queue_is_ordered_by_submission_not_by_creation(editors):
    author, reviewer = editors
    # The first draft is begun first but sent last: it has waited least.
    with time_machine.travel(START, tick=False):
        services.save_draft(actor=author, data=editable(FIRST, promised_limit_days=3))
        services.save_draft(actor=author, data=editable(SECOND, promised_limit_days=3))
    sent_last = submitted_at(START + timedelta(days=9), author, FIRST)
    sent_first = submitted_at(START + timedelta(days=2), author, SECOND)
    assert sent_last.submitted_at == START + timedelta(days=9)
    assert [v.pk for v in queries.review_queue(reviewer)] == [sent_first.pk, sent_last.pk]


def sent_twice(author, days: int) -> ServiceItemVersion:
    """A draft submitted on day 1, withdrawn, and submitted again on day ``days``."""
    services.save_draft(actor=author, data=editable(FIRST, promised_limit_days=3))
    submitted_at(START + timedelta(days=1), author, FIRST)
    reviews.withdraw_from_review(actor=author, code=FIRST)
    return submitted_at(START + timedelta(days=days), author, FIRST)


def test_a_draft_withdrawn_and_sent_again_is_dated_by_its_last_submission(editors):
    author, reviewer = editors
    again = sent_twice(author, 5)
    [queued] = queries.review_queue(reviewer)
    assert (queued.pk, queued.submitted_at) == (again.pk, START + timedelta(days=5))


def test_an_imported_draft_is_submitted_when_imported(editors):
    author, _ = editors
    row = dict(ITEMS[0], code="310000-GA-QR-0060", department="310000-GA")
    with time_machine.travel(START + timedelta(days=3), tick=False):
        [version] = imports.import_items(actor=author, rows=[row], source="json").staged
    assert version.submitted_at == START + timedelta(days=3)


def test_the_reviews_page_shows_when_each_draft_was_submitted(catalog):
    author = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    services.save_draft(actor=author, data=editable(FIRST, promised_limit_days=3))
    submitted = submitted_at(START, author, FIRST)
    client, _reviewer = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("backoffice:reviews")).content.decode()
    assert '<th scope="col">Submitted for review</th>' in page
    shown = timezone.localtime(submitted.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert f"<td>{shown}</td>" in page


def test_the_migration_dates_earlier_submissions_from_the_audit_log(editors):
    author, _ = editors
    last = sent_twice(author, 4)
    row = dict(ITEMS[0], code="310000-GA-QR-0060", department="310000-GA")
    [imported] = imports.import_items(actor=author, rows=[row], source="json").staged
    published = queries.published_version(SECOND)
    # As before the field: no version dated.
    ServiceItemVersion.objects.update(submitted_at=None)
    migration = importlib.import_module("onewindow.catalog.migrations.0008_version_submitted_at")
    migration.date_the_submissions(apps, None)
    dated = dict(ServiceItemVersion.objects.values_list("pk", "submitted_at"))
    events = AuditEvent.objects.filter(action="catalog.submitted").order_by("seq")
    assert dated[last.pk] == events.last().at == START + timedelta(days=4)
    imported.refresh_from_db()
    assert dated[imported.pk] == imported.created_at  # in review, never "submitted"
    assert dated[published.pk] is None  # seeded and published: never reviewed
