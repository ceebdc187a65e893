"""A returned draft keeps its reviewer's comment while its author reworks it, and every
version keeps its review trail: each return's comment and the approval's.

The QA's case: the reviewer's return comment disappeared from the item page once the
author saved the draft, and after approval the history's comment column showed "—";
only the audit log (``catalog.returned``) still had it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.catalog import queries, reviews, services
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItem, ServiceItemVersion, VersionReview
from onewindow.catalog.tests.test_backoffice_views import (
    BASE,
    MARKET_ITEM,
    POLICE_ITEM,
    admin,
    current,
    edit_url,
    form_data,
    review,
    seeded,
    submit,
)
from onewindow.core.errors import Forbidden
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]

__all__ = ["admin", "seeded"]  # fixtures, shared with the page tests


def shown(moment: datetime) -> str:
    """A time as the back office shows it."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def the_draft() -> ServiceItemVersion:
    draft = queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM))
    assert draft is not None
    return draft


def trail(version: ServiceItemVersion) -> list[tuple[Any, bool, str]]:
    return [(r.reviewer, r.approved, r.comment) for r in version.reviews.all()]


def history_row(page: str, number: int) -> str:
    history = page.split('id="history-title"', 1)[1]
    return next(row for row in history.split("<tr>") if row.startswith(f"<td>{number}</td>"))


@pytest.fixture
def returned(admin, officer_logged_in) -> Any:  # type: ignore[no-untyped-def]
    """The police item's draft, submitted by ``admin`` and returned by a second police
    admin with a comment: (author's client, author, reviewer's client, reviewer)."""
    author_client, author = admin
    assert submit(author_client, name="新生儿户口登记（修订）").status_code == 302
    reviewer_client, reviewer = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    assert review(reviewer_client, "return", "请补充法律依据的条款。").status_code == 302
    return author_client, author, reviewer_client, reviewer


# --- the services -------------------------------------------------------------------


def test_saving_a_returned_draft_keeps_its_reviewers_comment(returned):
    _, author, _, reviewer = returned
    version = services.save_draft(actor=author, data={**current(), "legal_basis": "《条例》第七条"})
    assert version.status == VersionStatus.DRAFT
    assert trail(version) == [(reviewer, False, "请补充法律依据的条款。")]


def test_binding_the_application_keeps_the_comment_too(returned):
    _, author, _, reviewer = returned
    version = services.bind_application(actor=author, code=POLICE_ITEM, form=None, process=None)
    assert version.status == VersionStatus.DRAFT
    assert trail(version) == [(reviewer, False, "请补充法律依据的条款。")]


def test_the_trail_keeps_every_return_and_the_approval(returned, officer_logged_in):
    _, author, _, reviewer = returned
    second = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")[1]
    events = AuditEvent.objects.count()
    services.save_draft(actor=author, data={**current(), "legal_basis": "《条例》第七条"})
    reviews.submit_for_review(actor=author, code=POLICE_ITEM)
    reviews.review_version(actor=second, code=POLICE_ITEM, approve=False, comment="还要写明第几款")
    services.save_draft(actor=author, data={**current(), "legal_basis": "《条例》第七条第二款"})
    reviews.submit_for_review(actor=author, code=POLICE_ITEM)
    version = reviews.review_version(actor=reviewer, code=POLICE_ITEM, approve=True)
    assert version.status == VersionStatus.PUBLISHED
    assert trail(version) == [
        (reviewer, False, "请补充法律依据的条款。"),
        (second, False, "还要写明第几款"),
        (reviewer, True, ""),
    ]
    assert version.last_review is not None
    assert (version.last_review.reviewer, version.last_review.approved) == (reviewer, True)
    # One audit record per write, as before: the trail adds none.
    actions = list(
        AuditEvent.objects.filter(seq__gt=events).order_by("seq").values_list("action", "detail")
    )
    assert actions == [
        ("catalog.draft_saved", {"version": version.number}),
        ("catalog.submitted", {"version": version.number}),
        ("catalog.returned", {"version": version.number, "comment": "还要写明第几款"}),
        ("catalog.draft_saved", {"version": version.number}),
        ("catalog.submitted", {"version": version.number}),
        ("catalog.published", {"version": version.number, "comment": ""}),
    ]


def test_a_refused_review_leaves_no_trail(returned):
    _, author, _, _ = returned
    reviews.submit_for_review(actor=author, code=POLICE_ITEM)
    with pytest.raises(Forbidden):
        reviews.review_version(actor=author, code=POLICE_ITEM, approve=True)
    assert the_draft().reviews.count() == 1


# --- the pages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "item_text", "edit_text"),
    [
        (
            # An English page marks the Chinese comment and name as Chinese.
            "en",
            '<span lang="zh-Hans">请补充法律依据的条款。</span> '
            '(returned by <span lang="zh-Hans">{reviewer}</span>, {date})',
            '<strong>Reviewer\'s comment (<span lang="zh-Hans">{reviewer}</span>, {date}):'
            '</strong> <span lang="zh-Hans">请补充法律依据的条款。</span>',
        ),
        (
            "zh-hans",
            "请补充法律依据的条款。（{reviewer} 于 {date} 退回）",
            "<strong>审核意见（{reviewer}，{date}）：</strong>请补充法律依据的条款。",
        ),
    ],
)
def test_the_comment_stays_on_the_pages_while_the_author_reworks_the_draft(
    returned, chinese, language, item_text, edit_text
):
    author_client, _, _, reviewer = returned
    author_client.cookies["django_language"] = language
    saved = author_client.post(
        edit_url(), form_data({**current(), "legal_basis": "《条例》第七条"})
    )
    assert saved.status_code == 302
    assert the_draft().status == VersionStatus.DRAFT
    names = {"reviewer": reviewer.full_name, "date": shown(the_draft().reviews.get().decided_at)}
    item_page = author_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert item_text.format(**names) in item_page
    edit_page = author_client.get(edit_url()).content.decode()
    assert edit_text.format(**names) in edit_page
    # And on a page the forms refuse, which the author corrects by it too.
    refused = author_client.post(edit_url(), form_data({**current(), "name": ""}))
    assert refused.status_code == 422
    assert edit_text.format(**names) in refused.content.decode()


def test_returned_again_the_page_shows_the_new_comment(returned, officer_logged_in):
    author_client, _, _, _ = returned
    author_client.cookies["django_language"] = "en"
    assert submit(author_client, legal_basis="《条例》第七条").status_code == 302
    second_client, second = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    assert review(second_client, "return", "还要写明第几款").status_code == 302
    assert author_client.post(edit_url(), form_data(current())).status_code == 302
    page = author_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    summary = page.split('class="summary"', 1)[1].split("</dl>", 1)[0]
    assert (
        f'还要写明第几款</span> (returned by <span lang="zh-Hans">{second.full_name}</span>,'
        in (summary)
    )
    assert "请补充法律依据的条款。" not in summary
    edit_page = author_client.get(edit_url()).content.decode()
    assert "还要写明第几款" in edit_page and "请补充法律依据的条款。" not in edit_page


def test_resubmitted_the_second_review_sees_what_the_first_asked(returned, officer_logged_in):
    author_client, _, _, reviewer = returned
    assert submit(author_client, legal_basis="《条例》第七条").status_code == 302
    second_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    second_client.cookies["django_language"] = "en"
    page = second_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert 'name="decision"' in page
    name = f'<span lang="zh-Hans">{reviewer.full_name}</span>'
    assert f"请补充法律依据的条款。</span> (returned by {name}," in page


def test_a_draft_never_returned_shows_no_reviewers_comment(admin):
    client, _ = admin
    client.cookies["django_language"] = "en"
    assert client.post(edit_url(), form_data({**current(), "name": "新草稿"})).status_code == 302
    assert "Reviewer's comment" not in client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert "Reviewer's comment" not in client.get(edit_url()).content.decode()


@pytest.mark.parametrize(
    ("language", "returned_text", "approved_text", "approved_with_comment"),
    [
        (
            "en",
            'Returned by <span lang="zh-Hans">{reviewer}</span>, {date}: '
            '<span lang="zh-Hans">请补充法律依据的条款。</span>',
            'Approved by <span lang="zh-Hans">{reviewer}</span>, {date}',
            'Approved by <span lang="zh-Hans">{reviewer}</span>, {date}: '
            '<span lang="zh-Hans">同意发布</span>',
        ),
        (
            "zh-hans",
            "{reviewer} 于 {date} 退回：请补充法律依据的条款。",
            "{reviewer} 于 {date} 审核通过",
            "{reviewer} 于 {date} 审核通过：同意发布",
        ),
    ],
)
def test_the_history_keeps_the_review_trail(
    returned, chinese, language, returned_text, approved_text, approved_with_comment
):
    # The QA's steps: returned with a comment, saved by the author, approved without one.
    author_client, _, reviewer_client, reviewer = returned
    reviewer_client.cookies["django_language"] = language
    assert author_client.post(edit_url(), form_data(current())).status_code == 302
    assert author_client.post(f"{BASE}/items/{POLICE_ITEM}/submit/").status_code == 302
    assert review(reviewer_client, "approve").status_code == 302
    version = queries.published_version(POLICE_ITEM)
    returned_review, approval = version.reviews.all()
    page = reviewer_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    row = history_row(page, version.number)
    name = reviewer.full_name
    assert returned_text.format(reviewer=name, date=shown(returned_review.decided_at)) in row
    assert approved_text.format(reviewer=name, date=shown(approval.decided_at)) in row
    # No open draft any more: no reviewer's comment above the history.
    above_history = page.split('id="history-title"', 1)[0]
    assert "请补充法律依据的条款。" not in above_history
    # A later version approved with a comment shows it.
    author_client.cookies["django_language"] = language
    assert submit(author_client, name="再次修订").status_code == 302
    assert review(reviewer_client, "approve", "同意发布").status_code == 302
    newer = queries.published_version(POLICE_ITEM)
    page = reviewer_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert approved_with_comment.format(
        reviewer=name, date=shown(newer.reviews.get().decided_at)
    ) in history_row(page, newer.number)
    # The older version's row still has its trail.
    assert returned_text.format(
        reviewer=name, date=shown(returned_review.decided_at)
    ) in history_row(page, version.number)


def test_a_version_published_without_review_shows_a_dash(admin):
    client, _ = admin
    page = client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    row = history_row(page, 1)  # the seed's version, published directly
    assert row.count("<td>—</td>") >= 2  # no reviewer, no review


def review_round(author: Any, reviewer: Any, comments: list[str]) -> None:
    """A new version of the police item, returned once per comment, then approved."""
    services.save_draft(actor=author, data={**current(), "name": f"修订{comments[0]}"})
    for comment in comments:
        reviews.submit_for_review(actor=author, code=POLICE_ITEM)
        reviews.review_version(actor=reviewer, code=POLICE_ITEM, approve=False, comment=comment)
    reviews.submit_for_review(actor=author, code=POLICE_ITEM)
    reviews.review_version(actor=reviewer, code=POLICE_ITEM, approve=True)


def test_the_history_takes_the_same_queries_for_a_longer_trail(
    returned, django_assert_max_num_queries, capture_queries
):
    author_client, author, _, reviewer = returned
    reviews.submit_for_review(actor=author, code=POLICE_ITEM)
    reviews.review_version(actor=reviewer, code=POLICE_ITEM, approve=True)
    with capture_queries() as few:
        author_client.get(f"{BASE}/items/{POLICE_ITEM}/")
    for n in range(3):
        review_round(author, reviewer, [f"第{n}轮意见一", f"第{n}轮意见二"])
    with django_assert_max_num_queries(len(few)):
        page = author_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert "第0轮意见一" in page and "第2轮意见二" in page


# --- reviews made before the trail was kept ---------------------------------------


@pytest.fixture
def schema_of_0006() -> Iterator[Apps]:
    """The catalog's tables as migration 0006 left them (a version's own ``reviewer``
    and ``review_comment``, which 0007 removed) and the models of then, for running
    0006's data migration as it ran; migrated forward again after."""
    target = [("catalog", "0006_version_reviews")]
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    yield executor.loader.project_state(target).apps
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)  # SQLite alters tables outside a transaction
def test_the_migration_recovers_the_trail_from_the_audit_log(returned, request):
    author_client, _, reviewer_client, _ = returned
    assert author_client.post(edit_url(), form_data(current())).status_code == 302
    assert author_client.post(f"{BASE}/items/{POLICE_ITEM}/submit/").status_code == 302
    assert review(reviewer_client, "approve", "同意").status_code == 302
    version = queries.published_version(POLICE_ITEM)
    expected = [(r.reviewer_id, r.approved, r.comment, r.decided_at) for r in version.reviews.all()]
    # As the database was before: no trail, and the return's comment cleared by the save.
    VersionReview.objects.all().delete()
    migration = importlib.import_module("onewindow.catalog.migrations.0006_version_reviews")
    migration.keep_the_review_trail(request.getfixturevalue("schema_of_0006"), None)
    recovered = [
        (r.reviewer_id, r.approved, r.comment, r.decided_at) for r in version.reviews.all()
    ]
    assert [r[:3] for r in recovered] == [r[:3] for r in expected]
    events = AuditEvent.objects.filter(action__in=["catalog.returned", "catalog.published"])
    assert [r[3] for r in recovered] == list(events.order_by("seq").values_list("at", flat=True))


@pytest.mark.django_db(transaction=True)  # SQLite alters tables outside a transaction
def test_the_migration_falls_back_on_the_versions_own_fields(returned, request):
    _, _, _, reviewer = returned
    published = queries.published_version(MARKET_ITEM)
    police_draft = the_draft()  # read while the table has the model's every column
    police_trail = trail(police_draft)
    old = request.getfixturevalue("schema_of_0006")
    # A decision the audit log has no record of: the market item's version 1, published
    # by the seed, as if a reviewer had approved it.
    old.get_model("catalog", "ServiceItemVersion").objects.filter(pk=published.pk).update(
        reviewer_id=reviewer.pk, review_comment="同意"
    )
    VersionReview.objects.all().delete()
    migration = importlib.import_module("onewindow.catalog.migrations.0006_version_reviews")
    migration.keep_the_review_trail(old, None)
    assert trail(police_draft) == police_trail  # from the log
    assert [(r.reviewer, r.approved, r.comment, r.decided_at) for r in published.reviews.all()] == [
        (reviewer, True, "同意", published.published_at)
    ]
