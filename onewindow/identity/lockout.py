"""What a locked-out request gets back (django-axes calls this)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from onewindow.identity.authentication import LOCKED_MESSAGE


def locked_out_response(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "locked", "message": str(LOCKED_MESSAGE), "fields": {}}, status=429
        )
    from onewindow.identity.forms import LoginForm

    form = LoginForm(request, data=request.POST or None)
    form.add_error(None, str(LOCKED_MESSAGE))
    return render(request, "identity/login.html", {"form": form}, status=429)
