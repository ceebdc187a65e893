"""The author of a draft hears what its reviewer decided: returned with the reviewer's
comment, or published; in-app and by email, in the author's language, linking to the
item's back-office page, once per decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from onewindow.catalog import notifications, queries, reviews, services
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItemVersion, VersionReview
from onewindow.catalog.tests.test_services import editable
from onewindow.conftest import make_user, proposed_chinese
from onewindow.core.errors import Forbidden, InvalidInput
from onewindow.identity.models import User
from onewindow.identity.roles import Role
from onewindow.notifications.models import Channel, Notification, OutboxMessage
from onewindow.notifications.tests.chinese import PROPOSED_ZH as NOTICES_ZH

pytestmark = pytest.mark.django_db

CODE = "310000-GA-QR-0001"
LINK = f"/backoffice/catalog/items/{CODE}/"
COMMENT = "法律依据要写到条。"


@pytest.fixture
def editors(catalog) -> dict[str, User]:
    """Two police admins (the author reads English, the reviewer Chinese), each with an
    email address and a phone number."""
    people = {
        "author": make_user(
            roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])],
            email="author@example.invalid",
            language="en",
        ),
        "reviewer": make_user(
            roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])], email="reviewer@example.invalid"
        ),
    }
    for person in people.values():
        User.objects.filter(pk=person.pk).update(phone="13800000000")
        person.refresh_from_db()
    return people


def submitted(author: User, **changes: Any) -> ServiceItemVersion:
    services.save_draft(actor=author, data=editable(CODE, **changes))
    return reviews.submit_for_review(actor=author, code=CODE)


def decide(reviewer: User, *, approve: bool, comment: str = "") -> VersionReview:
    version = reviews.review_version(actor=reviewer, code=CODE, approve=approve, comment=comment)
    return version.reviews.latest("decided_at", "pk")


def test_a_returned_draft_tells_its_author_with_the_comment(editors):
    author, reviewer = editors["author"], editors["reviewer"]
    submitted(author)
    review = decide(reviewer, approve=False, comment=COMMENT)
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind, notice.link, notice.dedupe_key) == (
        author,
        "catalog_draft_returned",
        LINK,
        f"catalog.review:{review.pk}",
    )
    # In the author's language (English), naming the item in it, the reviewer and what
    # they said.
    assert notice.subject == f"Your draft of {CODE} was returned"
    assert notice.body.startswith(
        f"{reviewer.full_name} returned your draft (version 2) of the service item "
        f"“Household registration of a newborn” ({CODE})."
    )
    assert notice.body.endswith(f"Comment:\n{COMMENT}")
    assert notice.case_number == ""  # not a case: the list offers no "Open case"
    # By email too, and not by text message: an officer's kind.
    [email] = OutboxMessage.objects.all()
    assert (email.channel, email.recipient, email.address) == (
        Channel.EMAIL,
        author,
        "author@example.invalid",
    )
    assert email.subject == notice.subject and COMMENT in email.body
    assert email.dedupe_key == notice.dedupe_key


def test_a_published_draft_tells_its_author(editors):
    author, reviewer = editors["author"], editors["reviewer"]
    submitted(author)
    review = decide(reviewer, approve=True, comment="同意。")
    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind, notice.link, notice.dedupe_key) == (
        author,
        "catalog_draft_published",
        LINK,
        f"catalog.review:{review.pk}",
    )
    assert notice.subject == f"Your draft of {CODE} was published"
    assert "approved your draft (version 2)" in notice.body and "It is published" in notice.body
    assert notice.body.endswith("Comment:\n同意。")
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == [Channel.EMAIL]


def test_an_approval_without_a_comment_says_none(editors):
    submitted(editors["author"])
    decide(editors["reviewer"], approve=True)
    assert "Comment" not in Notification.objects.get().body


def test_the_notice_is_in_the_authors_language_and_the_list_has_both(editors):
    # This time the Chinese reader writes the draft and the English one reviews it.
    chinese_reader, english_reader = editors["reviewer"], editors["author"]
    with proposed_chinese(NOTICES_ZH):
        submitted(chinese_reader)
        decide(english_reader, approve=False, comment=COMMENT)
    notice = Notification.objects.get()
    assert notice.recipient == chinese_reader
    assert notice.subject == f"您提交的事项 {CODE} 草稿已被退回"
    assert f"“新生儿户口登记”（{CODE}）第 2 版草稿" in notice.body
    assert OutboxMessage.objects.get().subject == notice.subject
    # The in-app list shows it in the language the page is read in, the item's name too.
    english_subject, english_body = notice.texts["en"]
    assert english_subject == f"Your draft of {CODE} was returned"
    assert "“Household registration of a newborn”" in english_body


def test_one_notice_per_decision(editors):
    author, reviewer = editors["author"], editors["reviewer"]
    version = submitted(author)
    first = decide(reviewer, approve=False, comment=COMMENT)
    with transaction.atomic():  # told again for the same decision (a retry): nothing new
        assert notifications.tell_author(version, first) is False
    assert Notification.objects.count() == 1 and OutboxMessage.objects.count() == 1
    # The next decision on the same draft is news again.
    reviews.submit_for_review(actor=author, code=CODE)
    second = decide(reviewer, approve=True)
    assert list(Notification.objects.order_by("pk").values_list("kind", "dedupe_key")) == [
        ("catalog_draft_returned", f"catalog.review:{first.pk}"),
        ("catalog_draft_published", f"catalog.review:{second.pk}"),
    ]


def test_a_refused_review_tells_nobody(editors):
    author = editors["author"]
    submitted(author)
    with pytest.raises(Forbidden):  # the author cannot review their own draft
        reviews.review_version(actor=author, code=CODE, approve=True)
    with pytest.raises(InvalidInput):  # a return must say what must change
        reviews.review_version(actor=editors["reviewer"], code=CODE, approve=False)
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()
    assert not VersionReview.objects.exists()


def test_the_notice_is_written_in_the_reviews_transaction(editors, monkeypatch):
    """A notice that cannot be written takes the decision with it: nobody is told of a
    review that did not happen, and no review goes untold."""
    submitted(editors["author"])

    def broken(*args: Any, **kwargs: Any) -> bool:
        raise RuntimeError("the notifications table is unavailable")

    monkeypatch.setattr(notifications.notifications, "notify", broken)
    with pytest.raises(RuntimeError):
        decide(editors["reviewer"], approve=True)
    draft = queries.open_version(queries.items_for_officer(editors["author"]).get(code=CODE))
    assert draft is not None and draft.status == VersionStatus.IN_REVIEW
    assert queries.published_version(CODE).number == 1
    assert not VersionReview.objects.exists()
