"""The site's URLs plus the benchmark's baseline: ``POST /bench/insert``, a Django view
that does exactly one INSERT (a session row) and answers 201. Served only by the
benchmark's web processes (``bench_settings``), never by ``onewindow.urls``."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onewindow.urls import urlpatterns as site_urlpatterns


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    key = secrets.token_hex(16)
    Session.objects.create(
        session_key=key, session_data="", expire_date=timezone.now() + timedelta(hours=1)
    )
    return JsonResponse({"id": key}, status=201)


urlpatterns = [path("bench/insert", bare_insert, name="bench_insert"), *site_urlpatterns]
