from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onewindow.identity.queries import public_departments


def home(request: HttpRequest) -> HttpResponse:
    departments = public_departments().filter(kind="bureau")
    return render(request, "core/home.html", {"departments": departments})


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
