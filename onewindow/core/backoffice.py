"""What the back offices' pages share: access by a permission check (a 404 to anyone
else, so their pages do not show to the curious), and for versioned definitions (forms
and processes) each key's newest version and a version by key and optional number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Generic, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Model, OuterRef, QuerySet, Subquery
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


@dataclass(frozen=True)
class KeyRow(Generic[Definition]):
    newest: Definition
    versions: int  # how many versions the key has


def newest_of_each_key(model: type[Model], *, leave_out: tuple[str, ...]) -> list[KeyRow[Any]]:
    """Each key's newest version (with its uploader, without the ``leave_out`` fields, the
    files or questions), by key, in two queries however many keys and versions."""
    newest_version = (
        model._default_manager.filter(key=OuterRef("key"))
        .order_by("-version")
        .values("version")[:1]
    )
    newest: QuerySet[Any] = (
        model._default_manager.filter(version=Subquery(newest_version))
        .select_related("created_by")
        .defer(*leave_out)
        .order_by("key")
    )
    counts = dict(
        model._default_manager.order_by()
        .values_list("key")
        .annotate(n=Count("pk"))
        .values_list("key", "n")
    )
    return [KeyRow(definition, counts[definition.key]) for definition in newest]
