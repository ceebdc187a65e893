"""What the cases pages share: who is asking, where to go back to, and the files a form
posts — stored on arrival, and carried in hidden inputs (``KEEP_PREFIX``) across a
refused post so that a correction does not ask for them again. The application form and
the answer to a supplement request both take files this way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from onewindow.core.errors import InvalidInput
from onewindow.core.numbers import whole_number
from onewindow.forms import queries as forms_queries
from onewindow.forms.attachments import at_file_input, store_attachment, upload_field_name
from onewindow.identity.models import User
from onewindow.identity.permissions import is_officer

KEEP_PREFIX = "kept-"


def current_user(request: HttpRequest) -> User:
    """The logged-in user (views using this are behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def officer_or_404(request: HttpRequest) -> User:
    """The logged-in officer; anyone else gets a 404, as if the page did not exist."""
    user = current_user(request)
    if not is_officer(user):
        raise Http404
    return user


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


def inbox_to_return_to(request: HttpRequest) -> str:
    """The inbox page an officer opened a task from, with its filters and page: carried
    as ``back`` in the task page's address and forms, so that a decision returns there
    (QA: it went to the first page, unfiltered). The inbox itself for anything else."""
    inbox = reverse("cases:inbox")
    target = request.POST.get("back") or request.GET.get("back", "")
    if target.startswith(inbox) and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return inbox


def kept_uploads(request: HttpRequest, user: User, slots: Iterable[str]) -> dict[str, Any]:
    """The user's files an earlier attempt stored for these slots, by slot."""
    wanted = {
        slot: number
        for slot in slots
        if (number := whole_number(request.POST.get(f"{KEEP_PREFIX}{slot}", ""))) is not None
    }
    return forms_queries.owned_attachments(user, wanted)


def store_uploads(
    request: HttpRequest,
    user: User,
    definition: Any,
    slots: Iterable[str],
    errors: dict[str, list[Any]],
    own: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Store the files this post gives for these slots of ``definition`` (or of ``own``,
    slots the form does not name, by key), each checked by content, by slot; a refused
    file's problems go to ``errors`` under its input."""
    stored: dict[str, Any] = {}
    own = own or {}
    for slot in slots:
        upload = request.FILES.get(upload_field_name(slot))
        if upload is None:
            continue
        try:
            stored[slot] = store_attachment(
                owner=user,
                definition=definition,
                slot=slot,
                upload=upload,
                request=request,
                slot_spec=own.get(slot),
            )
        except InvalidInput as error:
            errors.update(at_file_input(slot, error))
    return stored
