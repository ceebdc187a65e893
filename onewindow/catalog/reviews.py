"""Review of a catalog draft: its author submits it (``submit_for_review``) and may take
it back until a reviewer decides (``withdraw_from_review``, ADR 0025); a second editor
approves it, which publishes it, or returns it (``review_version``), and the author is
told either way (``notifications.tell_author``). Every decision stays on the version
(``VersionReview``, its trail)."""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import record_event, refused
from onewindow.catalog import permissions, transfer
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import ServiceItemVersion, VersionReview
from onewindow.catalog.notifications import tell_author
from onewindow.catalog.services import (
    OPEN_STATUSES,
    editable_item,
    locked_open_version,
    publish,
)
from onewindow.core.errors import Conflict, Forbidden, InvalidInput
from onewindow.identity.models import User


def submit_for_review(
    *,
    actor: User,
    code: str,
    request: HttpRequest | None = None,
) -> ServiceItemVersion:
    service_item = editable_item(actor, code, action="catalog.submitted", request=request)
    with transaction.atomic():
        version = locked_open_version(service_item)
        if version is None or version.status not in OPEN_STATUSES:
            raise Conflict(_("There is no draft to submit."))
        version.status = VersionStatus.IN_REVIEW
        version.author = actor
        version.submitted_at = timezone.now()
        version.save(update_fields=["status", "author", "submitted_at"])
        record_event(
            actor=actor,
            action="catalog.submitted",
            target=service_item,
            detail={"version": version.number},
            request=request,
        )
    return version


def content_stamp(version: ServiceItemVersion) -> str:
    """A fingerprint of what a reviewer reads of a version: its guide as exported, and the
    form and process it binds. The review page sends back the one it showed, so that a
    decision is taken on the content that was read (``review_version``'s ``seen``)."""
    content = [transfer.version_as_dict(version), version.form_id, version.process_id]
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


DRAFT_CHANGED = _(
    "The draft changed after you opened it (its author withdrew it and submitted it "
    "again): read it again before you decide."
)


def review_version(
    *,
    actor: User,
    code: str,
    approve: bool,
    comment: str = "",
    seen: str = "",
    request: HttpRequest | None = None,
) -> ServiceItemVersion:
    """Approve (publish) or return the draft awaiting review. ``seen``, the
    ``content_stamp`` of the draft as the reviewer read it, makes the decision refused
    (409 ``draft_changed``) when the draft has changed since: its author may withdraw it,
    change it and submit it again while a reviewer reads the old one."""
    service_item = editable_item(actor, code, action="catalog.reviewed", request=request)
    if not approve and not comment.strip():
        raise InvalidInput(
            _("Say what must change."), fields={"comment": [_("Say what must change.")]}
        )
    with transaction.atomic():  # the draft's row lock needs a transaction
        version = locked_open_version(service_item)
        if version is None or version.status != VersionStatus.IN_REVIEW:
            raise Conflict(_("There is nothing awaiting review for this item."))
        allowed = permissions.can_review(actor, version)
    # Refused after that transaction: the refusal's record must not roll back with it.
    if not allowed:
        raise refused(
            Forbidden(
                _(
                    "A second person must review: you cannot review a draft you submitted "
                    "or changed."
                )
            ),
            actor=actor,
            action="catalog.reviewed",
            target=service_item,
            detail={"version": version.number},
            request=request,
        )
    with transaction.atomic():
        version = locked_open_version(service_item)
        if version is None or version.status != VersionStatus.IN_REVIEW:
            raise Conflict(_("There is nothing awaiting review for this item."))
        if seen and seen != content_stamp(version):
            raise Conflict(DRAFT_CHANGED, code="draft_changed")
        decision = VersionReview.objects.create(
            version=version, reviewer=actor, approved=approve, comment=comment.strip()
        )
        if approve:
            publish(service_item, version)
        else:
            version.status = VersionStatus.REJECTED
            version.save(update_fields=["status"])
        record_event(
            actor=actor,
            action="catalog.published" if approve else "catalog.returned",
            target=service_item,
            request=request,
            detail={"version": version.number, "comment": decision.comment},
        )
        tell_author(version, decision)
    return version


NOT_AWAITING_REVIEW = _(
    "The draft is no longer awaiting review: a reviewer has decided on it, or it was "
    "withdrawn already."
)


def withdraw_from_review(
    *,
    actor: User,
    code: str,
    request: HttpRequest | None = None,
) -> ServiceItemVersion:
    """Take a draft awaiting review back to an editable draft, for its author to correct
    before a reviewer decides; it leaves the review queue. Only its author may
    (``permissions.can_withdraw``, ADR 0025)."""
    service_item = editable_item(actor, code, action="catalog.withdrawn", request=request)
    with transaction.atomic():
        # Under the draft's row lock, as a review takes it: a reviewer's decision and
        # the withdrawal cannot both happen, and the one that comes second is told.
        version = locked_open_version(service_item)
        if version is None or version.status != VersionStatus.IN_REVIEW:
            raise Conflict(NOT_AWAITING_REVIEW)
        refusal = None
        if not permissions.can_withdraw(actor, version):
            # Recorded in this transaction, which commits: the refusal is raised after it.
            refusal = refused(
                Forbidden(_("Only the editor who submitted the draft may withdraw it.")),
                actor=actor,
                action="catalog.withdrawn",
                target=service_item,
                detail={"version": version.number},
                request=request,
            )
        else:
            # A draft again, which keeps the comment of an earlier return (``stage_draft``).
            version.status = VersionStatus.DRAFT
            version.save(update_fields=["status"])
            record_event(
                actor=actor,
                action="catalog.withdrawn",
                target=service_item,
                detail={"version": version.number},
                request=request,
            )
    if refusal is not None:
        raise refusal
    return version
