"""The project's URLs with the forms URLs mounted at /forms/ (if the project does not
mount them yet), for the view tests."""

from django.urls import include, path

from onewindow.urls import urlpatterns as project_urlpatterns

_mounted = any(getattr(p, "namespace", None) == "forms" for p in project_urlpatterns)
urlpatterns = list(project_urlpatterns)
if not _mounted:
    urlpatterns.append(path("forms/", include("onewindow.forms.urls")))
