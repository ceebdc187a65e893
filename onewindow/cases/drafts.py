"""An applicant's application drafts ("Save and continue later"), as My cases lists them
(``queries.my_drafts``): discarding one they no longer mean to send."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from onewindow.cases.queries import APPLICATION_DRAFT_PREFIX, ApplicationDraft, my_drafts
from onewindow.forms import queries as forms_queries
from onewindow.forms import services as forms_services


def my_draft(user: Any, code: str) -> ApplicationDraft | None:
    """The user's own draft of the application of ``code`` (an item's or a life event's),
    if My cases lists one."""
    return next((draft for draft in my_drafts(user) if draft.code == code), None)


def discard(*, owner: Any, code: str, request: HttpRequest | None = None) -> bool:
    """Delete the owner's draft of that application, each form's it was kept under (a
    life event's is kept under its first item's form, which a new version of the event
    may change), audited; False if there was none. The files uploaded for it are left
    as any upload not sent with an application yet: the owner's, readable by nobody else."""
    context = f"{APPLICATION_DRAFT_PREFIX}{code}"
    kept = forms_queries.drafts_of(owner).filter(context=context)
    discarded = False
    with transaction.atomic():
        for draft in kept:
            forms_services.discard_draft(
                owner=owner, definition=draft.definition, context=context, request=request
            )
            discarded = True
    return discarded
