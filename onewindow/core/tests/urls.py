"""The project's URLs and, for the error page tests only, views that fail on purpose."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from onewindow.urls import handler404
from onewindow.urls import urlpatterns as project_urlpatterns


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def forbids(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspects(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a forged request")


urlpatterns = [
    *project_urlpatterns,
    path("test-only/fails/", fails),
    path("api/test-only/fails/", fails),  # under the API's prefix, not one of its endpoints
    path("test-only/forbids/", forbids),
    path("test-only/suspects/", suspects),
]
__all__ = ["handler404", "urlpatterns"]
