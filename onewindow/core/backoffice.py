"""What the back offices' pages share: access by a permission check (a 404 to anyone
else, so their pages do not show to the curious) and a versioned definition by key and
optional version number (forms and processes)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]
Definition = TypeVar("Definition")


def only_for(may_use: Callable[[Any], bool]) -> Callable[[View], View]:
    """A view for signed-in users (officers past their second factor, in the middleware)
    for whom ``may_use(user)`` holds; a 404 for everyone else."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may_use(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorate


def version_or_404(
    key: str,
    number: str | None,
    latest: Callable[[str], Definition],
    exact: Callable[[str, int], Definition],
) -> Definition:
    """The version ``number`` of ``key`` (the newest when None), or a 404 when there is
    none or ``number`` is not a number."""
    try:
        return latest(key) if number is None else exact(key, int(number))
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404 from exc
