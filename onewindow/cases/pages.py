"""What the cases pages share: who is asking, where to go back to, and the prefix of the
hidden inputs that carry files already stored across a refused post."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

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
