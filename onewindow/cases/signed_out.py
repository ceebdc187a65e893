"""An application sent after its session ended (signed out elsewhere, or after hours
of typing) would be lost at the login page. Its answers are kept in the new, anonymous
session, which logging in carries over (``django.contrib.auth.login`` keeps a session's
data when it changes its key), and given back when the same page opens again. Files
cannot be kept: the browser drops them, and the page asks for them again."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

PENDING = "onewindow.signed_out_answers"
MAX_KEPT_BYTES = 64 * 1024  # a form's answers are a few kB; more is not an application
NOT_ANSWERS = frozenset({"csrfmiddlewaretoken", "idempotency_key", "action"})

View = Callable[..., HttpResponse]


def login_keeping_answers(view: View) -> View:
    """``login_required`` for an application page that keeps what a signed-out post
    typed (and says so) instead of dropping it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            _keep(request)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _keep(request: HttpRequest) -> None:
    answers = {name: request.POST.getlist(name) for name in request.POST if name not in NOT_ANSWERS}
    if len(json.dumps(answers, ensure_ascii=False).encode()) > MAX_KEPT_BYTES:
        return
    request.session[PENDING] = {"path": request.path, "answers": answers}
    messages.warning(
        request,
        _(
            "You were signed out, so your application was not sent. Log in again to go "
            "on: what you typed is kept, but attach your files again."
        ),
    )


def answers_kept(request: HttpRequest) -> QueryDict | None:
    """The answers a signed-out post to this page left, once (then forgotten)."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("path") != request.path:
        return None
    del request.session[PENDING]
    answers = QueryDict(mutable=True)
    for name, values in (pending.get("answers") or {}).items():
        answers.setlist(str(name), [str(v) for v in values])
    return answers
