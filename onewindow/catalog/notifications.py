"""Telling a draft's author what the second editor decided on it, through the
notifications app: in the author's language, in the review's transaction, by email
after commit (an officer's kind: no text message)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import lazy

from onewindow.catalog.models import ServiceItemVersion, VersionReview
from onewindow.core.templatetags.onewindow import localized
from onewindow.notifications import services as notifications

# Rendered when the notice is: in the author's language for the email, and in each of
# the site's languages for the in-app list, not in the reviewer's.
_localized_later = lazy(localized, str)


def review_dedupe_key(review: VersionReview) -> str:
    """One notice per decision: a retried request tells the author once, and the next
    review of the same draft (a new row) tells them again."""
    return f"catalog.review:{review.pk}"


def tell_author(version: ServiceItemVersion, review: VersionReview) -> bool:
    """Tell ``version``'s author that ``review`` returned or published it, with the
    reviewer's comment and a link to the item's back-office page. Nobody is told of a
    version without an author (one the system staged); the reviewer is never the
    author (``permissions.can_review``). False if the author was told already."""
    if version.author is None:
        return False
    code = version.item.code
    return notifications.notify(
        recipient=version.author,
        kind="catalog_draft_published" if review.approved else "catalog_draft_returned",
        context={
            "code": code,
            "name": _localized_later(version, "name"),
            "version": version.number,
            # A person's name, the same in every language.
            "reviewer": review.reviewer.full_name if review.reviewer else "",
            "comment": review.comment,
        },
        dedupe_key=review_dedupe_key(review),
        link=reverse("backoffice:item", args=[code]),
    )
